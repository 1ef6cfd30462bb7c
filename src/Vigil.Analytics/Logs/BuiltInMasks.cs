using System.Buffers;

namespace Vigil.Analytics.Logs;

/// <summary>
/// Hand-written recognisers for the variables every log has: timestamps, URLs, UUIDs, IPv4 addresses (with port),
/// hex numbers, long hex ids, paths, and numbers with an optional duration or size unit. One left-to-right pass, no regex, no
/// allocation; each recognised value becomes <c>&lt;*&gt;</c>.
/// </summary>
/// <remarks>
/// A value is only recognised where a word starts (the previous character is not a letter or digit), so <c>ssh2</c>,
/// <c>e820</c> or <c>x86</c> stay words, while <c>uid=0</c>, <c>CPU#1</c> and <c>attempt_01_m_3</c> have their numbers
/// masked. That mirrors how the Loghub-2.0 ground truth marks variables inside tokens.
/// </remarks>
public static class BuiltInMasks
{
    public const string Wildcard = "<*>";

    // Where a path or URL ends; not '>', which a mask inside it ("/data/<*>/x") contains.
    private static readonly SearchValues<char> PathEnd = SearchValues.Create(" \t\"',;)]}");

    private static readonly string[] Units =
    [
        // Longest first, so "ms" wins over "m".
        "msec", "secs", "mins", "ms", "us", "µs", "ns", "sec", "min", "hrs", "hr", "KB", "MB", "GB", "TB", "kB", "KiB",
        "MiB", "GiB", "s", "m", "h", "d", "K", "M", "G", "B", "%",
    ];

    /// <summary>Largest output for an input of <paramref name="length"/> chars ("1 1 1" grows to "&lt;*&gt; &lt;*&gt; &lt;*&gt;").</summary>
    public static int MaxOutputLength(int length) => (length * 3) + 3;

    /// <summary>Writes <paramref name="source"/> to <paramref name="destination"/> with variables masked; returns the length written.</summary>
    public static int Apply(ReadOnlySpan<char> source, Span<char> destination)
    {
        var w = 0;
        var i = 0;
        while (i < source.Length)
        {
            // Jump straight to the next word that can hold a variable (a digit, '/', ':' or '.'), copying the plain
            // words before it in one go: most of a log line is words that need no look at all.
            var hit = source[i..].IndexOfAny(Interesting);
            if (hit < 0)
            {
                source[i..].CopyTo(destination[w..]);
                return w + source.Length - i;
            }
            hit += i;
            var wordStart = source[i..hit].LastIndexOfAny(' ', '\t') is var space and >= 0 ? i + space + 1 : i;
            source[i..wordStart].CopyTo(destination[w..]);
            w += wordStart - i;
            var timestamp = TimestampBefore(source, i, wordStart);
            if (timestamp.Length > 0)
            {
                // "Sun Jul 24 02:38:22": the day and month words were copied already; take them back.
                w -= wordStart - timestamp.Start;
                Wildcard.CopyTo(destination[w..]);
                w += 3;
                i = timestamp.Start + timestamp.Length;
                continue;
            }
            var wordEnd = source[wordStart..].IndexOfAny(' ', '\t');
            var stop = wordEnd < 0 ? source.Length : wordStart + wordEnd + 1;
            i = wordStart;
            while (i < stop)
            {
                var c = source[i];
                var atWordStart = i == 0 || !char.IsAsciiLetterOrDigit(source[i - 1]);
                if (atWordStart && (char.IsAsciiLetterOrDigit(c) || c is '/' or '-'))
                {
                    var length = Recognise(source, i);
                    if (length > 0)
                    {
                        Wildcard.CopyTo(destination[w..]);
                        w += 3;
                        i += length;
                        continue;
                    }
                    if (char.IsAsciiLetterOrDigit(c))
                    {
                        // No word starts inside the rest of this run of letters and digits ("NameSystem" of a Java
                        // name): copy it whole instead of char by char.
                        var rest = source[(i + 1)..stop].IndexOfAnyExcept(LettersAndDigits);
                        var runEnd = rest < 0 ? stop : i + 1 + rest;
                        source[i..runEnd].CopyTo(destination[w..]);
                        w += runEnd - i;
                        i = runEnd;
                        continue;
                    }
                }
                destination[w++] = c;
                i++;
            }
        }
        return w;
    }

    /// <summary>A timestamp that starts with a day or month name just before a word starting with a digit.</summary>
    private static (int Start, int Length) TimestampBefore(ReadOnlySpan<char> s, int floor, int wordStart)
    {
        if (!char.IsAsciiDigit(s[wordStart]))
        {
            return default;
        }
        var month = SkipSpacesBack(s, floor, wordStart) - 3;
        if (month < floor || month + 3 == wordStart)
        {
            return default;
        }
        var day = SkipSpacesBack(s, floor, month) - 3;
        foreach (var start in (ReadOnlySpan<int>)[day, month])
        {
            if (start >= floor && (start == 0 || !char.IsAsciiLetterOrDigit(s[start - 1])) && DateTimeMask.At(s, start) is var length and > 0
                && start + length > wordStart)
            {
                return (start, length);
            }
        }
        return default;
    }

    private static int SkipSpacesBack(ReadOnlySpan<char> s, int floor, int pos)
    {
        while (pos > floor && s[pos - 1] == ' ')
        {
            pos--;
        }
        return pos;
    }

    private static readonly SearchValues<char> LettersAndDigits =
        SearchValues.Create("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");

    // A word without these (and not a three-letter capitalised word, the start of a timestamp) holds no variable.
    private static readonly SearchValues<char> Interesting = SearchValues.Create("0123456789/:.\\");

    private static int Recognise(ReadOnlySpan<char> s, int i)
    {
        var c = s[i];
        if (c == '/')
        {
            return PathAt(s, i);
        }
        if (c == '-')
        {
            // A sign only where a value can start: "-5", "=-5", "(-5"; not "BP-5" (not a word start anyway).
            var signed = i + 1 < s.Length && char.IsAsciiDigit(s[i + 1]) && (i == 0 || s[i - 1] is ' ' or '\t' or '=' or ':' or '(' or '[' or ',');
            return signed ? NumberAt(s, i + 1) is var n and > 0 ? n + 1 : 0 : 0;
        }
        // One look at the run of letters and digits decides which recognisers can apply at all.
        var j = i;
        var digits = 0;
        var hexOnly = true;
        while (j < s.Length && char.IsAsciiLetterOrDigit(s[j]))
        {
            digits += char.IsAsciiDigit(s[j]) ? 1 : 0;
            hexOnly &= char.IsAsciiHexDigit(s[j]);
            j++;
        }
        var run = j - i;
        var next = j < s.Length ? s[j] : '\0';
        int found;
        if (run == 2 && hexOnly && next is ':' or '-' && (found = MacAt(s, i)) > 0)
        {
            return found; // before the time of day: 00:11:43:e3:ba:c3 starts like one
        }
        if (run <= 4 && hexOnly && digits > 0 && next == ':' && (found = Ipv6At(s, i)) > 0)
        {
            return found;
        }
        if (digits == 0)
        {
            // "src:", "updated:": a word ending in a colon is a URL scheme only before "//", a Windows drive only
            // before '\', a host only before a port. The common case, a label before a space, needs no recogniser.
            if (next == ':' && !(j + 1 < s.Length && s[j + 1] is '/' or '\\' or (>= '0' and <= '9')))
            {
                return 0;
            }
            if (run == 1 && next == ':' && (found = WindowsPathAt(s, i)) > 0)
            {
                return found;
            }
            if (next == ':' && (found = UrlAt(s, i)) > 0)
            {
                return found;
            }
            return next is '.' or '-' or ':' or '/' ? HostAt(s, i) : 0;
        }
        if (digits == run && run <= 4 && (next is '-' or ':' || (run == 2 && next == '/')) && (found = DateTimeMask.At(s, i)) > 0)
        {
            return found;
        }
        if (hexOnly && run == 8 && next == '-' && (found = UuidAt(s, i)) > 0)
        {
            return found;
        }
        if (digits == run && run <= 3 && next == '.' && (found = IpAt(s, i)) > 0)
        {
            return found;
        }
        if (run >= 3 && c == '0' && (s[i + 1] | 0x20) == 'x' && (found = HexPrefixedAt(s, i)) > 0)
        {
            return found;
        }
        if (hexOnly && run >= 8)
        {
            // A long hex id (digits seen above), unless it is the first label of a host name.
            if (next is '.' or '-' or ':' or '/' && (found = HostAt(s, i)) > 0)
            {
                return found;
            }
            return EndsWord(s, j) ? run : 0;
        }
        if (next is '.' or '-' or ':' or '/' && (found = HostAt(s, i)) > 0)
        {
            return found;
        }
        if (run >= 8 && digits >= 3 && run - digits >= 2 && EndsWord(s, j) && DigitRuns(s[i..j]) >= 2)
        {
            // A generated id mixing letters and digits (a mail queue id jA9J1UvC004306, a session key): no word
            // has digits scattered through it like that.
            return run;
        }
        return char.IsAsciiDigit(c) ? NumberAt(s, i) : 0;
    }

    private static int DigitRuns(ReadOnlySpan<char> word)
    {
        var runs = 0;
        for (var k = 0; k < word.Length; k++)
        {
            runs += char.IsAsciiDigit(word[k]) && (k == 0 || !char.IsAsciiDigit(word[k - 1])) ? 1 : 0;
        }
        return runs;
    }

    /// <summary>
    /// An IPv6 address: eight groups of up to four hex digits joined by ':', or fewer with one "::"
    /// (2607:f140:400:a01b:1c57:7ef3:8f8e:5a10, fe80::1). A time of day has three groups and no "::".
    /// </summary>
    private static int Ipv6At(ReadOnlySpan<char> s, int i)
    {
        var j = i;
        var groups = 0;
        var compressed = false;
        while (true)
        {
            var start = j;
            while (j < s.Length && j - start < 5 && char.IsAsciiHexDigit(s[j]))
            {
                j++;
            }
            if (j - start is 0 or > 4)
            {
                if (j - start > 4 || !(compressed && j == start && s[j - 1] == ':' && s[j - 2] == ':'))
                {
                    return 0;
                }
            }
            else
            {
                groups++;
            }
            if (j + 1 < s.Length && s[j] == ':' && s[j + 1] == ':' && !compressed)
            {
                compressed = true;
                j += 2;
                continue;
            }
            if (j + 1 < s.Length && s[j] == ':' && char.IsAsciiHexDigit(s[j + 1]))
            {
                j++;
                continue;
            }
            break;
        }
        var whole = compressed ? groups is >= 1 and <= 7 : groups == 8;
        return whole && EndsWord(s, j) && (j == s.Length || s[j] != ':') ? j - i : 0;
    }

    /// <summary>
    /// A MAC address or a longer hardware id: six or more pairs of hex digits joined by ':' or '-'
    /// (00:11:43:e3:ba:c3, an EUI-64, a chip id FF:F2:9F:16:BF:6C:00:0D:60:E9:40:93).
    /// </summary>
    private static int MacAt(ReadOnlySpan<char> s, int i)
    {
        if (i + 5 > s.Length)
        {
            return 0;
        }
        var separator = s[i + 2];
        if (i >= 2 && s[i - 1] == separator && char.IsAsciiHexDigit(s[i - 2]))
        {
            return 0; // inside a chain that did not start here
        }
        var j = i;
        var pairs = 0;
        while (j + 1 < s.Length && char.IsAsciiHexDigit(s[j]) && char.IsAsciiHexDigit(s[j + 1]))
        {
            pairs++;
            j += 2;
            if (j + 2 < s.Length && s[j] == separator && char.IsAsciiHexDigit(s[j + 1]))
            {
                j++;
                continue;
            }
            break;
        }
        return pairs >= 6 && EndsWord(s, j) && (j == s.Length || s[j] != separator) ? j - i : 0;
    }

    private static bool EndsWord(ReadOnlySpan<char> s, int end) => end >= s.Length || !char.IsAsciiLetterOrDigit(s[end]);

    /// <summary>scheme://anything-up-to-whitespace.</summary>
    private static int UrlAt(ReadOnlySpan<char> s, int i)
    {
        var j = i;
        while (j < s.Length && (char.IsAsciiLetterOrDigit(s[j]) || s[j] is '+' or '.' or '-'))
        {
            j++;
        }
        if (j == i || j + 3 > s.Length || s[j] != ':' || s[j + 1] != '/' || s[j + 2] != '/')
        {
            return 0;
        }
        return TrimmedEnd(s, i);
    }

    private static readonly string[] SourceFileExtensions = ["c", "cc", "cpp", "cxx", "h", "hpp", "java", "py", "go", "rs", "cs", "js", "ts", "rb", "scala", "kt", "m", "mm", "swift"];

    /// <summary>ib_sm_sweep.c:161 is a source file and a line, not a host and a port.</summary>
    private static bool IsSourceFile(ReadOnlySpan<char> extension)
    {
        foreach (var known in SourceFileExtensions)
        {
            if (extension.Equals(known, StringComparison.Ordinal))
            {
                return true;
            }
        }
        return false;
    }

    private static readonly string[] TopLevelDomains =
        ["com", "net", "org", "edu", "gov", "mil", "int", "io", "local", "localdomain", "lan", "internal", "corp", "home", "arpa"];

    /// <summary>
    /// A host name: dotted labels ending in a well-known top-level domain (<c>node7.example.com</c>), or any dotted or
    /// dashed-with-digits name followed by a port (<c>msra-sa-41:9000</c>). Java class names (<c>org.apache.Foo</c>)
    /// and property keys (<c>mapred.job.id</c>) do not end in a TLD, so they stay words.
    /// </summary>
    private static int HostAt(ReadOnlySpan<char> s, int i)
    {
        var j = i;
        var labels = 0;
        var lastLabel = j;
        var lastLabelEnd = j;
        var digitOrDash = false;
        var hasDigit = false;
        while (true)
        {
            var start = j;
            while (j < s.Length && (char.IsAsciiLetterOrDigit(s[j]) || s[j] == '-'))
            {
                hasDigit |= char.IsAsciiDigit(s[j]);
                digitOrDash |= s[j] == '-';
                j++;
            }
            if (j == start)
            {
                return 0;
            }
            labels++;
            lastLabel = start;
            lastLabelEnd = j;
            if (j + 1 < s.Length && s[j] == '.' && char.IsAsciiLetterOrDigit(s[j + 1]))
            {
                j++;
                continue;
            }
            break;
        }
        var end = j;
        var hasPort = false;
        if (j + 1 < s.Length && s[j] == '/')
        {
            // Java's InetSocketAddress form, host/ip:port, is one address.
            var k = j + 1;
            var ip = s[k..].StartsWith(Wildcard, StringComparison.Ordinal) ? 3 : IpAt(s, k);
            if (ip > 0)
            {
                j = k + ip;
                end = j;
                labels = Math.Max(labels, 2);
                hasPort = true;
            }
        }
        if (j + 2 < s.Length && s[j] == ':' && char.IsAsciiDigit(s[j + 1]))
        {
            var k = j + 1;
            while (k < s.Length && char.IsAsciiDigit(s[k]))
            {
                k++;
            }
            if (k - j - 1 is >= 2 and <= 5 && EndsWord(s, k))
            {
                hasPort = true;
                end = k;
            }
        }
        if (!EndsWord(s, end))
        {
            return 0;
        }
        var tld = s[lastLabel..lastLabelEnd];
        var knownDomain = false;
        if (labels >= 3)
        {
            foreach (var domain in TopLevelDomains)
            {
                knownDomain |= tld.Equals(domain, StringComparison.OrdinalIgnoreCase);
            }
        }
        var namedEndpoint = hasPort && (labels >= 2 || (digitOrDash && hasDigit)) && !IsSourceFile(tld);
        return knownDomain || namedEndpoint ? end - i : 0;
    }

    /// <summary>/a/b/c (at a word start that is a path start: line start, after a space, '=', ':', a bracket or quote).</summary>
    private static int PathAt(ReadOnlySpan<char> s, int i)
    {
        if (i > 0 && s[i - 1] is not (' ' or '\t' or '=' or ':' or '(' or '[' or '"' or '\'' or ','))
        {
            return 0;
        }
        if (i + 1 >= s.Length || !(char.IsAsciiLetterOrDigit(s[i + 1]) || s[i + 1] is '.' or '_' or '-' or '~'))
        {
            return 0;
        }
        return TrimmedEnd(s, i);
    }

    /// <summary>C:\dir\file (a Windows path).</summary>
    private static int WindowsPathAt(ReadOnlySpan<char> s, int i) =>
        i + 3 < s.Length && char.IsAsciiLetter(s[i]) && s[i + 1] == ':' && s[i + 2] == '\\' ? TrimmedEnd(s, i) : 0;

    /// <summary>
    /// Length up to the next space, quote, comma or closing bracket, less a trailing ':' ("loading /a/b: failed").
    /// A trailing '.' stays, as in Khan et al.'s path rule, whose delimiters include ':' and ',' but not '.'.
    /// </summary>
    private static int TrimmedEnd(ReadOnlySpan<char> s, int i)
    {
        var end = s[i..].IndexOfAny(PathEnd);
        end = end < 0 ? s.Length - i : end;
        while (end > 1 && s[i + end - 1] == ':')
        {
            end--;
        }
        return end;
    }

    /// <summary>8-4-4-4-12 hex digits.</summary>
    private static int UuidAt(ReadOnlySpan<char> s, int i)
    {
        ReadOnlySpan<int> groups = [8, 4, 4, 4, 12];
        var j = i;
        for (var g = 0; g < groups.Length; g++)
        {
            if (g > 0)
            {
                if (j >= s.Length || s[j] != '-')
                {
                    return 0;
                }
                j++;
            }
            for (var k = 0; k < groups[g]; k++, j++)
            {
                if (j >= s.Length || !char.IsAsciiHexDigit(s[j]))
                {
                    return 0;
                }
            }
        }
        return EndsWord(s, j) ? j - i : 0;
    }

    /// <summary>a.b.c.d with 1-3 digits each, optionally :port.</summary>
    private static int IpAt(ReadOnlySpan<char> s, int i)
    {
        var j = i;
        for (var part = 0; part < 4; part++)
        {
            if (part > 0)
            {
                if (j >= s.Length || s[j] != '.')
                {
                    return 0;
                }
                j++;
            }
            var start = j;
            while (j < s.Length && char.IsAsciiDigit(s[j]) && j - start < 3)
            {
                j++;
            }
            if (j == start)
            {
                return 0;
            }
        }
        if (!EndsWord(s, j) || (j + 1 < s.Length && s[j] == '.' && char.IsAsciiDigit(s[j + 1])))
        {
            return 0;
        }
        if (j + 1 < s.Length && s[j] == ':' && char.IsAsciiDigit(s[j + 1]))
        {
            var port = j + 1;
            while (port < s.Length && char.IsAsciiDigit(s[port]))
            {
                port++;
            }
            if (EndsWord(s, port))
            {
                j = port;
            }
        }
        return j - i;
    }

    /// <summary>0x followed by hex digits.</summary>
    private static int HexPrefixedAt(ReadOnlySpan<char> s, int i)
    {
        if (i + 2 >= s.Length || s[i] != '0' || (s[i + 1] | 0x20) != 'x' || !char.IsAsciiHexDigit(s[i + 2]))
        {
            return 0;
        }
        var j = i + 2;
        while (j < s.Length && char.IsAsciiHexDigit(s[j]))
        {
            j++;
        }
        return EndsWord(s, j) ? j - i : 0;
    }

    /// <summary>Digits, optional decimals, optional unit (12, 3.5, 10ms, 64KB, 99%).</summary>
    private static int NumberAt(ReadOnlySpan<char> s, int i)
    {
        var j = i;
        while (j < s.Length && char.IsAsciiDigit(s[j]))
        {
            j++;
        }
        if (j == i)
        {
            return 0;
        }
        while (j + 1 < s.Length && s[j] == '.' && char.IsAsciiDigit(s[j + 1]))
        {
            j++;
            while (j < s.Length && char.IsAsciiDigit(s[j]))
            {
                j++;
            }
        }
        if (EndsWord(s, j))
        {
            return j - i;
        }
        foreach (var unit in Units)
        {
            if (s[j..].StartsWith(unit, StringComparison.Ordinal) && EndsWord(s, j + unit.Length))
            {
                return j + unit.Length - i;
            }
        }
        return 0;
    }
}
