//! The media engines below `fix` and `--deep` (feature `fix`): image
//! decoding with `Limits` (`image.rs`), audio decoding and WAV/MP3 writing
//! through symphonia and hound (`audio.rs`), and external programs run with
//! a timeout in a process group of their own (`process.rs`). They read and
//! write files and know nothing of requests, rules or plans.

pub(crate) mod audio;
pub(crate) mod image;
pub(crate) mod process;
