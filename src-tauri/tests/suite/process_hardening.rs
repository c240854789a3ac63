//! A process that holds key values leaves no core dump: after
//! `forbid_core_dumps` (what release builds of both binaries call first) its
//! core size limit is 0 and, on Linux, it is not dumpable. In a process of
//! its own: the settings are the process's.
#![cfg(unix)]

use crate::support::process;

#[test]
fn core_dumps_are_forbidden() {
    process::run_alone(
        &process::test_name(module_path!(), "in_its_own_process"),
        &[],
    );
}

#[test]
#[ignore = "changes its own process: run by core_dumps_are_forbidden"]
fn in_its_own_process() {
    if !process::is_alone(&process::test_name(module_path!(), "in_its_own_process")) {
        return;
    }
    studio_keys::hardening::forbid_core_dumps().unwrap();
    let mut limit = libc::rlimit {
        rlim_cur: 1,
        rlim_max: 1,
    };
    // SAFETY: a plain syscall filling a valid struct.
    assert_eq!(unsafe { libc::getrlimit(libc::RLIMIT_CORE, &mut limit) }, 0);
    assert_eq!((limit.rlim_cur, limit.rlim_max), (0, 0));
    #[cfg(target_os = "linux")]
    {
        // SAFETY: PR_GET_DUMPABLE takes no argument.
        let dumpable = unsafe { libc::prctl(libc::PR_GET_DUMPABLE, 0, 0, 0, 0) };
        assert_eq!(dumpable, 0);
    }
}
