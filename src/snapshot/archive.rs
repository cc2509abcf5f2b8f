//! A snapshot as a `.tar.gz`: every file under one top folder, with fixed owner, mode and time, so
//! the same snapshot always gives the same bytes. The monthly releases carry it as an asset.

use std::io::Write as _;

use flate2::Compression;
use flate2::write::GzEncoder;
use time::OffsetDateTime;

use super::Files;

/// `files` as a gzip-compressed tar, each under `top/`, dated `mtime`.
pub fn tar_gz(files: &Files, top: &str, mtime: OffsetDateTime) -> std::io::Result<Vec<u8>> {
    let mut tar = tar::Builder::new(GzEncoder::new(Vec::new(), Compression::default()));
    for (path, bytes) in files {
        let mut header = tar::Header::new_gnu();
        header.set_size(bytes.len() as u64);
        header.set_mode(0o644);
        header.set_uid(0);
        header.set_gid(0);
        header.set_mtime(mtime.unix_timestamp().max(0) as u64);
        header.set_entry_type(tar::EntryType::Regular);
        tar.append_data(&mut header, format!("{top}/{path}"), bytes.as_slice())?;
    }
    let mut gz = tar.into_inner()?;
    gz.flush()?;
    gz.finish()
}

#[cfg(test)]
mod tests {
    use std::io::Read as _;

    use super::*;

    #[test]
    fn the_archive_holds_every_file_and_is_reproducible() {
        let files = Files::from([
            ("project/project.json".to_owned(), b"{}\n".to_vec()),
            ("project/flows/Main--f1/en/chart.json".to_owned(), vec![0, 1, 2, 255]),
        ]);
        let at = time::macros::datetime!(2026-11-30 23:37:00 UTC);
        let bytes = tar_gz(&files, "monthly-2026-11", at).unwrap();
        assert_eq!(
            bytes,
            tar_gz(&files, "monthly-2026-11", at).unwrap(),
            "same input, same bytes"
        );
        let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(bytes.as_slice()));
        let mut read = Files::new();
        for entry in archive.entries().unwrap() {
            let mut entry = entry.unwrap();
            assert_eq!(entry.header().mtime().unwrap(), at.unix_timestamp() as u64);
            let path = entry
                .path()
                .unwrap()
                .to_str()
                .unwrap()
                .strip_prefix("monthly-2026-11/")
                .unwrap()
                .to_owned();
            let mut content = Vec::new();
            entry.read_to_end(&mut content).unwrap();
            read.insert(path, content);
        }
        assert_eq!(read, files);
    }
}
