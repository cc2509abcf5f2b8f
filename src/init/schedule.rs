//! The cron minutes of a backup repository's workflows, spread by a hash of the project id: many
//! projects on one Cognigy instance then start at different minutes instead of all at once.
//!
//! A backup runs twice an hour, at minute `m` and `m + 30` with `m` in 1..=29 but not 15: never at
//! :00 or :30 (GitHub's busiest minutes, when scheduled runs are most often delayed or dropped), nor
//! at :15 and :45, the next most popular. The weekly verify runs at `m + 15`, between two backups.

use sha2::{Digest, Sha256};

/// The backup minutes a project id may get (`m`; the second run is at `m + 30`).
const FIRST_MINUTES: [u8; 28] = [
    1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29,
];

/// When one project's workflows run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Schedule {
    /// The first backup minute of every hour; the second is 30 minutes later.
    pub minute: u8,
}

impl Schedule {
    /// The schedule of `project_id` (as validated: lower-case hex).
    pub fn for_project(project_id: &str) -> Schedule {
        let digest = Sha256::digest(project_id.as_bytes());
        let n = u64::from_be_bytes(digest[..8].try_into().expect("a sha256 has 8 bytes"));
        Schedule {
            minute: FIRST_MINUTES[(n % FIRST_MINUTES.len() as u64) as usize],
        }
    }

    /// `m,m+30 * * * *`.
    pub fn backup_cron(self) -> String {
        format!("{},{} * * * *", self.minute, self.minute + 30)
    }

    /// Mondays at 05:`m+15` UTC.
    pub fn verify_cron(self) -> String {
        format!("{} 5 * * 1", self.minute + 15)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    #[test]
    fn two_projects_get_different_minutes_and_the_same_project_always_the_same() {
        let a = Schedule::for_project("0123456789abcdef01234567");
        let b = Schedule::for_project("76543210fedcba9876543210");
        assert_ne!(a.minute, b.minute);
        assert_eq!(a, Schedule::for_project("0123456789abcdef01234567"));
    }

    #[test]
    fn minutes_avoid_the_busy_ones_and_spread_over_the_half_hour() {
        let mut seen = BTreeSet::new();
        for i in 0..500u32 {
            let schedule = Schedule::for_project(&format!("{i:024x}"));
            let minutes: Vec<u8> = schedule
                .backup_cron()
                .split(' ')
                .next()
                .unwrap()
                .split(',')
                .map(|m| m.parse().unwrap())
                .collect();
            assert_eq!(minutes.len(), 2);
            assert_eq!(minutes[1], minutes[0] + 30);
            for busy in [0, 15, 30, 45] {
                assert!(!minutes.contains(&busy), "{minutes:?}");
            }
            let verify: u8 = schedule.verify_cron().split(' ').next().unwrap().parse().unwrap();
            assert!(
                !minutes.contains(&verify) && ![0, 15, 30, 45].contains(&verify),
                "{verify}"
            );
            seen.insert(schedule.minute);
        }
        assert_eq!(seen.len(), FIRST_MINUTES.len(), "500 projects use every minute");
    }
}
