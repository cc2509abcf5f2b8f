//! A git delta encoder: a new object as copies from an old one (its base) and literal inserts.
//!
//! The format is git's "deltified representation" (`gitformat-pack`): the base's size and the
//! result's size as little-endian base-128 numbers, then instructions. A copy is `0x80` with one
//! presence bit for each non-zero byte of the 32-bit base offset (`0x01..=0x08`) and of the 24-bit
//! size (`0x10..=0x40`), those bytes following, least significant first; a size of `0x10000` is
//! written as no size bytes. An insert is one byte `1..=127`, the count of literal bytes after it.
//!
//! The base is indexed by its aligned 16-byte blocks; the target is scanned byte by byte, and at a
//! block found in the base the match is extended forward and backward (into the literals not yet
//! written), then copied. Simple and linear for near-identical inputs, which is what it is used on.

use std::collections::HashMap;

/// The block size of the base's index, and so the shortest match copied.
const BLOCK: usize = 16;
/// Base blocks tried for one block of the target (the first ones with its contents).
const CANDIDATES: usize = 8;
/// The largest copy git writes in one instruction.
const MAX_COPY: usize = 0x10000;
/// The largest insert of one instruction.
const MAX_INSERT: usize = 0x7f;

/// The delta that turns `base` into `target`. `base` must be smaller than 4 GiB (copy offsets are 32-bit).
pub(super) fn encode(base: &[u8], target: &[u8]) -> Vec<u8> {
    debug_assert!(u32::try_from(base.len()).is_ok(), "delta base too large");
    let mut out = Vec::with_capacity(target.len() / 16 + 16);
    push_size(&mut out, base.len());
    push_size(&mut out, target.len());

    // The first block of each contents, and for each block the next one with the same contents.
    let blocks = base.len() / BLOCK;
    let mut first: HashMap<u128, u32> = HashMap::with_capacity(blocks);
    let mut next = vec![u32::MAX; blocks];
    for (number, block) in base.chunks_exact(BLOCK).enumerate().rev() {
        if let Some(later) = first.insert(key(block), number as u32) {
            next[number] = later;
        }
    }

    // Target bytes before `at` from `literal` on are not written yet.
    let mut literal = 0;
    let mut at = 0;
    while at + BLOCK <= target.len() {
        let same = std::iter::successors(first.get(&key(&target[at..at + BLOCK])).copied(), |&number| {
            Some(next[number as usize]).filter(|&later| later != u32::MAX)
        });
        let best = same
            .take(CANDIDATES)
            .map(|number| {
                let offset = number as usize * BLOCK;
                (offset, common_prefix(&base[offset..], &target[at..]))
            })
            .max_by_key(|&(_, len)| len);
        let Some((offset, len)) = best else {
            at += 1;
            continue;
        };
        let back = base[..offset]
            .iter()
            .rev()
            .zip(target[literal..at].iter().rev())
            .take_while(|(b, t)| b == t)
            .count();
        push_inserts(&mut out, &target[literal..at - back]);
        push_copies(&mut out, offset - back, len + back);
        at += len;
        literal = at;
    }
    push_inserts(&mut out, &target[literal..]);
    out
}

fn key(block: &[u8]) -> u128 {
    u128::from_le_bytes(block.try_into().expect("a block"))
}

fn common_prefix(a: &[u8], b: &[u8]) -> usize {
    a.iter().zip(b).take_while(|(x, y)| x == y).count()
}

fn push_size(out: &mut Vec<u8>, mut size: usize) {
    while size >= 0x80 {
        out.push(0x80 | (size & 0x7f) as u8);
        size >>= 7;
    }
    out.push(size as u8);
}

fn push_inserts(out: &mut Vec<u8>, literal: &[u8]) {
    for chunk in literal.chunks(MAX_INSERT) {
        out.push(chunk.len() as u8);
        out.extend_from_slice(chunk);
    }
}

fn push_copies(out: &mut Vec<u8>, mut offset: usize, mut len: usize) {
    while len > 0 {
        let size = len.min(MAX_COPY);
        let command = out.len();
        out.push(0x80);
        // The offset's bytes, then the size's (none for 0x10000: its low 16 bits are zero and the 24-bit field stays empty).
        for (bit, byte) in (offset as u32).to_le_bytes().into_iter().enumerate() {
            if byte != 0 {
                out[command] |= 1 << bit;
                out.push(byte);
            }
        }
        if size != MAX_COPY {
            for (bit, byte) in (size as u32).to_le_bytes()[..3].iter().enumerate() {
                if *byte != 0 {
                    out[command] |= 0x10 << bit;
                    out.push(*byte);
                }
            }
        }
        offset += size;
        len -= size;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Applies `delta` to `base` as git's `patch_delta` does, failing where it would.
    fn apply(base: &[u8], delta: &[u8]) -> Result<Vec<u8>, String> {
        let mut data = delta;
        let mut size = || -> Result<usize, String> {
            let mut value = 0usize;
            for shift in (0..64).step_by(7) {
                let (&byte, rest) = data.split_first().ok_or("truncated size")?;
                data = rest;
                value |= usize::from(byte & 0x7f) << shift;
                if byte & 0x80 == 0 {
                    return Ok(value);
                }
            }
            Err("size too long".into())
        };
        let (base_size, result_size) = (size()?, size()?);
        if base_size != base.len() {
            return Err(format!("base size {base_size}, base has {}", base.len()));
        }
        let mut out = Vec::new();
        while let Some((&command, rest)) = data.split_first() {
            data = rest;
            if command & 0x80 != 0 {
                let mut field = |bits: std::ops::Range<u8>| -> Result<usize, String> {
                    let mut value = 0usize;
                    for (byte, bit) in bits.enumerate() {
                        if command & (1 << bit) != 0 {
                            let (&b, rest) = data.split_first().ok_or("truncated copy")?;
                            data = rest;
                            value |= usize::from(b) << (8 * byte);
                        }
                    }
                    Ok(value)
                };
                let offset = field(0..4)?;
                let len = match field(4..7)? {
                    0 => 0x10000,
                    len => len,
                };
                out.extend_from_slice(base.get(offset..offset + len).ok_or("copy out of the base")?);
            } else if command != 0 {
                let len = usize::from(command);
                out.extend_from_slice(data.get(..len).ok_or("truncated insert")?);
                data = &data[len..];
            } else {
                return Err("opcode 0".into());
            }
            if out.len() > result_size {
                return Err("result longer than announced".into());
            }
        }
        if out.len() != result_size {
            return Err(format!("result size {}, announced {result_size}", out.len()));
        }
        Ok(out)
    }

    /// `count` lines like the backup manifest's (`path: sha256`).
    fn manifest(count: usize, salt: &str) -> Vec<u8> {
        (0..count)
            .map(|i| {
                format!(
                    "  \"project/flows/flow-{i:05}/chart.json\": \"{:064x}{salt}\",\n",
                    i * 7919
                )
            })
            .collect::<String>()
            .into_bytes()
    }

    /// Deterministic bytes that do not repeat (xorshift).
    fn noise(len: usize, mut state: u64) -> Vec<u8> {
        (0..len)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                state as u8
            })
            .collect()
    }

    fn edited(base: &[u8], at: usize, remove: usize, insert: &[u8]) -> Vec<u8> {
        [&base[..at], insert, &base[at + remove..]].concat()
    }

    /// A name, a base, a target and the most bytes the delta may take (none: no bound).
    type Case = (&'static str, Vec<u8>, Vec<u8>, Option<usize>);

    #[test]
    fn every_delta_rebuilds_its_target_and_is_small_where_the_inputs_share_most() {
        let text = manifest(10_000, "");
        let binary = noise(300_000, 7);
        let mut two_lines = text.clone();
        two_lines[40_000..40_064].copy_from_slice(&[b'a'; 64]);
        two_lines[900_000..900_064].copy_from_slice(&[b'b'; 64]);
        let cases: Vec<Case> = vec![
            ("identical", text.clone(), text.clone(), Some(160)),
            (
                "append",
                text.clone(),
                [&text[..], b"\"extra\": 1\n"].concat(),
                Some(160),
            ),
            ("prepend", text.clone(), [&b"{\n"[..], &text].concat(), Some(160)),
            (
                "middle edit",
                text.clone(),
                edited(&text, 500_001, 3, b"changed"),
                Some(160),
            ),
            ("two changed lines", text.clone(), two_lines, Some(400)),
            (
                "middle removal",
                text.clone(),
                edited(&text, 1000, 5000, b""),
                Some(160),
            ),
            ("completely different", noise(5000, 1), noise(5000, 2), None),
            ("empty base", Vec::new(), b"hello, world".to_vec(), None),
            ("empty target", b"hello, world".to_vec(), Vec::new(), Some(4)),
            ("both empty", Vec::new(), Vec::new(), Some(2)),
            ("shorter than a block", b"abc".to_vec(), b"abd".to_vec(), None),
            (
                "binary with edits",
                binary.clone(),
                edited(&edited(&binary, 10, 1, &[0, 255]), 250_000, 0, &[1; 300]),
                Some(600),
            ),
            ("repetitive", vec![b'x'; 200_000], vec![b'x'; 300_001], Some(64)),
            (
                "copy at offset 0x10000 boundary",
                noise(0x30000, 3),
                noise(0x30000, 3)[0x10000..].to_vec(),
                Some(32),
            ),
            (
                "moved blocks",
                noise(4096, 4),
                [&noise(4096, 4)[2048..], &noise(4096, 4)[..2048]].concat(),
                Some(32),
            ),
        ];
        for (name, base, target, bound) in cases {
            let delta = encode(&base, &target);
            assert_eq!(apply(&base, &delta).as_deref(), Ok(&target[..]), "{name}");
            if let Some(bound) = bound {
                assert!(
                    delta.len() <= bound,
                    "{name}: {} bytes of delta, expected at most {bound}",
                    delta.len()
                );
            }
        }
    }

    #[test]
    fn instructions_are_encoded_as_git_reads_them() {
        // Base 32 bytes, result 24: copy 16 bytes from offset 16 (0x80|0x01|0x10, 16, 16), then insert "12345678".
        let base = b"0123456789abcdefABCDEFGHIJKLMNOP";
        let target = b"ABCDEFGHIJKLMNOP12345678";
        assert_eq!(
            encode(base, target),
            [&[32, 24, 0x91, 16, 16, 8][..], b"12345678"].concat()
        );
        // A copy of 0x10000 bytes has no size bytes, one from offset 0 no offset bytes; 0x20001 bytes take three copies.
        let big = noise(0x20001, 9);
        let sizes = [0x81, 0x80, 0x08];
        let copies = [0x80, 0x84, 0x01, 0x94, 0x02, 0x01];
        assert_eq!(encode(&big, &big), [&sizes[..], &sizes, &copies].concat());
    }
}
