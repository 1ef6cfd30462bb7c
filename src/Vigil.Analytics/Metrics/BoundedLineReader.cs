using System.Globalization;
using System.Text;

namespace Vigil.Analytics.Metrics;

/// <summary>
/// Lines of a metric file, as <see cref="TextReader.ReadLine"/> splits them (at <c>\n</c>, <c>\r</c> or <c>\r\n</c>),
/// but refusing a line longer than <see cref="SeriesCsv.MaxLineLength"/>: <c>ReadLine</c> buffers a line whole whatever
/// its length, so a file without line breaks (<c>/dev/zero</c>, a binary file) filled memory until the process died.
/// </summary>
internal sealed class BoundedLineReader(TextReader reader, string name)
{
    private readonly char[] _buffer = new char[4096];
    private int _position;
    private int _length;
    private bool _skipLineFeed; // the last line ended at '\r': a '\n' right after it is part of that line break

    /// <summary>The 1-based number of the line last returned.</summary>
    public int LineNumber { get; private set; }

    /// <summary>
    /// The next line without its line break, or null at the end. A line longer than the maximum is a
    /// <see cref="SeriesFormatException"/> naming it, thrown after reading at most a buffer's length past the maximum.
    /// </summary>
    public string? ReadLine()
    {
        if (_skipLineFeed)
        {
            _skipLineFeed = false;
            if (_position == _length && !Fill())
            {
                return null;
            }
            if (_buffer[_position] == '\n')
            {
                _position++;
            }
        }
        StringBuilder? started = null; // the line's text so far when it runs past the buffer
        while (true)
        {
            if (_position == _length && !Fill())
            {
                if (started is null)
                {
                    return null;
                }
                LineNumber++;
                return started.ToString();
            }
            var rest = _buffer.AsSpan(_position, _length - _position);
            var end = rest.IndexOfAny('\r', '\n');
            if (end < 0)
            {
                started ??= new StringBuilder();
                started.Append(rest);
                _position = _length;
                if (started.Length > SeriesCsv.MaxLineLength)
                {
                    throw TooLong();
                }
                continue;
            }
            if ((started?.Length ?? 0) + end > SeriesCsv.MaxLineLength)
            {
                throw TooLong();
            }
            LineNumber++;
            var line = started is null ? new string(rest[..end]) : started.Append(rest[..end]).ToString();
            _skipLineFeed = rest[end] == '\r';
            _position += end + 1;
            return line;
        }
    }

    private SeriesFormatException TooLong() => new(string.Create(CultureInfo.InvariantCulture,
        $"{name}:{LineNumber + 1}: the line is longer than {SeriesCsv.MaxLineLength:N0} characters (a 'timestamp,value' row is a few dozen; is this a CSV file?)"));

    private bool Fill()
    {
        _length = reader.Read(_buffer, 0, _buffer.Length);
        _position = 0;
        return _length > 0;
    }
}
