//! A panic becomes the run's failure message, with where it happened (app::run reports it as an
//! `::error` annotation and a failing summary, exit status 1). Its own test binary: the panic hook
//! is process-wide.

use cognigy_backup_action::crash;

#[test]
fn a_panic_is_caught_with_its_message_and_place_and_a_normal_result_passes_through() {
    assert_eq!(crash::catch(|| 7), Ok(7));
    let caught = crash::catch(|| -> u8 { panic!("bad answer {}", "\n::error::x") }).unwrap_err();
    assert!(
        caught.starts_with("bad answer \n::error::x (at tests/crash.rs:"),
        "{caught}"
    );
}
