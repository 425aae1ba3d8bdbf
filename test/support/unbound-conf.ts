/**
 * The `server:` lines every Unbound a test or benchmark starts needs to run as root from a work folder, in the
 * foreground, logging to stderr (shared TESTING-NOTES: Debian's Unbound otherwise drops to its own user and
 * then cannot read the folder, and chroots away from it).
 */
export function unboundRunAsRoot(dir: string): string {
  return `  username: ""
  chroot: ""
  directory: "${dir}"
  pidfile: ""
  use-syslog: no
  logfile: ""`;
}
