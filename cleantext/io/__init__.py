"""Reading inputs into lines and writing outputs atomically.

`reading` holds the decoding policy (UTF-8, undecodable bytes kept as they were, byte
order marks) and opens inputs; `compression` picks gzip, bzip2, xz or Zstandard by
file name (standard input: by its first bytes; standard output is never compressed);
`writing` makes every output appear complete or not at all. The file formats built on
them (plain text, JSON Lines, the removed-lines TSV) live in `cleantext.formats`.
"""

from .compression import COMPRESSION_MAGIC, COMPRESSION_SUFFIXES, compression_by_magic, compression_of
from .errors import InputError, OutputError, describe_os_error, output_error
from .reading import (
    BINARY_CONTROL_SHARE,
    SNIFF_BYTES,
    input_position,
    looks_binary,
    looks_like_html,
    open_input,
    read_error_message,
    read_lines,
)
from .writing import (
    AtomicOutput,
    DocumentJoiner,
    NamedWriter,
    PendingOutput,
    closed_standard_streams,
    committed_outputs,
    encode_line,
    encode_text,
    encoded_pieces,
    remove_orphaned_temporary_files,
    remove_temporary_files,
    set_temporary_tag,
    standard_stream,
    temporary_tag,
)

__all__ = [
    "AtomicOutput", "BINARY_CONTROL_SHARE", "COMPRESSION_MAGIC", "COMPRESSION_SUFFIXES", "DocumentJoiner",
    "InputError", "NamedWriter", "OutputError", "PendingOutput", "SNIFF_BYTES", "closed_standard_streams",
    "committed_outputs", "compression_by_magic", "compression_of", "describe_os_error", "encode_line", "encode_text",
    "encoded_pieces", "input_position", "looks_binary", "looks_like_html", "open_input", "output_error",
    "read_error_message", "read_lines", "remove_orphaned_temporary_files", "remove_temporary_files",
    "set_temporary_tag", "standard_stream", "temporary_tag",
]
