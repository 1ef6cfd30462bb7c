using System.Buffers;
using System.Text.Unicode;

namespace Vigil.Analytics.Logs;

/// <summary>What <see cref="LogLineReader.Read"/> found.</summary>
public enum LineStatus
{
    /// <summary>A line to mine.</summary>
    Line,

    /// <summary>The stream is exhausted.</summary>
    End,

    /// <summary>Nothing but whitespace: skipped.</summary>
    Empty,

    /// <summary>Longer than the limit: skipped whole (it could be a dump of binary data or a runaway stack).</summary>
    TooLong,

    /// <summary>Not valid UTF-8: skipped rather than mined with replacement characters.</summary>
    InvalidUtf8,

    /// <summary>Control bytes (NUL and friends) that text logs never contain: skipped.</summary>
    Binary,
}

/// <summary>
/// Splits a byte stream into UTF-8 lines without allocating per line, and sorts out the lines that are not text:
/// empty, over-long, invalid UTF-8 or binary lines are reported with a <see cref="LineStatus"/> (and counted by the
/// caller) instead of being mined or crashing anything. Accepts <c>\n</c> and <c>\r\n</c> endings.
/// </summary>
public sealed class LogLineReader
{
    // C0 controls other than tab, line feed, vertical tab, form feed, carriage return and escape (ANSI colours).
    private static readonly SearchValues<byte> BinaryBytes = SearchValues.Create(
        [0, 1, 2, 3, 4, 5, 6, 7, 8, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 28, 29, 30, 31, 127]);

    private readonly Stream _stream;
    private readonly int _maxLineBytes;
    private readonly byte[] _buffer;
    private char[] _chars;
    private int _start;
    private int _end;
    private bool _eof;

    public LogLineReader(Stream stream, int maxLineBytes = 64 * 1024)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLineBytes, 16);
        _stream = stream;
        _maxLineBytes = maxLineBytes;
        _buffer = new byte[Math.Max(1 << 20, (maxLineBytes * 2) + 1)];
        _chars = new char[1024];
    }

    /// <summary>1-based number of the line last returned (every line counts, skipped ones too).</summary>
    public long LineNumber { get; private set; }

    /// <summary>
    /// How many reads from the stream so far. Lines between two reads arrived together, so a caller can take the time
    /// once per read instead of once per line (a clock read costs about a sixth of mining a line).
    /// </summary>
    public long Reads { get; private set; }

    /// <summary>Reads the next line; <paramref name="line"/> is valid until the next call.</summary>
    public LineStatus Read(out ReadOnlySpan<char> line)
    {
        line = default;
        var tooLong = false;
        while (true)
        {
            var available = _buffer.AsSpan(_start, _end - _start);
            var newline = available.IndexOf((byte)'\n');
            if (newline < 0 && !_eof && available.Length <= _maxLineBytes)
            {
                Fill();
                continue;
            }
            if (newline < 0 && available.Length > _maxLineBytes)
            {
                // Discard what we have and keep discarding until the line ends.
                tooLong = true;
                _start = _end;
                if (_eof)
                {
                    LineNumber++;
                    return LineStatus.TooLong;
                }
                Fill();
                continue;
            }
            if (newline < 0 && available.Length == 0)
            {
                if (tooLong)
                {
                    LineNumber++;
                    return LineStatus.TooLong; // the over-long last line had no newline
                }
                return LineStatus.End;
            }
            var length = newline < 0 ? available.Length : newline;
            var bytes = available[..length];
            _start += newline < 0 ? length : length + 1;
            LineNumber++;
            if (tooLong || bytes.Length > _maxLineBytes)
            {
                return LineStatus.TooLong;
            }
            if (bytes.Length > 0 && bytes[^1] == '\r')
            {
                bytes = bytes[..^1];
            }
            if (bytes.ContainsAny(BinaryBytes))
            {
                return LineStatus.Binary;
            }
            if (_chars.Length < bytes.Length)
            {
                _chars = new char[Math.Max(bytes.Length, _chars.Length * 2)];
            }
            if (Utf8.ToUtf16(bytes, _chars, out _, out var written, replaceInvalidSequences: false) != OperationStatus.Done)
            {
                return LineStatus.InvalidUtf8;
            }
            line = _chars.AsSpan(0, written);
            if (line.IsWhiteSpace())
            {
                return LineStatus.Empty;
            }
            return LineStatus.Line;
        }
    }

    private void Fill()
    {
        if (_start > 0)
        {
            _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
            _end -= _start;
            _start = 0;
        }
        var read = _stream.Read(_buffer, _end, _buffer.Length - _end);
        Reads++;
        if (read == 0)
        {
            _eof = true;
        }
        _end += read;
    }
}
