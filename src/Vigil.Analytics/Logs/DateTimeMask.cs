namespace Vigil.Analytics.Logs;

/// <summary>
/// Recognises a timestamp written inside a message, which spans several words and would otherwise split one event
/// into many templates (one per weekday and month): <c>Sun Jul 24 02:38:22 2005</c>, <c>Jul 24 02:38:22</c>,
/// <c>2005-07-24T02:38:22.123Z</c>, <c>2005-07-24 02:38:22,123</c>. The time may already be masked (<c>&lt;*&gt;</c>)
/// by a source's own regex.
/// </summary>
internal static class DateTimeMask
{
    private static readonly string[] Days = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    private static readonly string[] Months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

    /// <summary>Length of the timestamp starting at <paramref name="i"/>, or 0.</summary>
    public static int At(ReadOnlySpan<char> s, int i) =>
        char.IsAsciiDigit(s[i]) ? Math.Max(Math.Max(IsoAt(s, i), ClockAt(s, i)), CommonLogAt(s, i)) : NamedAt(s, i);

    /// <summary>The access-log time of Apache and nginx: <c>10/Oct/2000:13:55:36 -0700</c> (the zone optional).</summary>
    private static int CommonLogAt(ReadOnlySpan<char> s, int i)
    {
        var j = i;
        if (Digits(s, ref j, 2, 2) != 2 || !Char(s, ref j, '/') || !Word(s, j, Months))
        {
            return 0;
        }
        j += 3;
        if (!Char(s, ref j, '/') || Digits(s, ref j, 4, 4) != 4 || !Char(s, ref j, ':'))
        {
            return 0;
        }
        var end = j;
        if (!Time(s, ref end))
        {
            return 0;
        }
        var zone = end;
        if (zone + 5 < s.Length && s[zone] == ' ' && s[zone + 1] is '+' or '-')
        {
            var z = zone + 2;
            if (Digits(s, ref z, 4, 4) == 4 && Ends(s, z))
            {
                end = z;
            }
        }
        return end - i;
    }

    /// <summary>A time of day or duration on its own, with seconds: <c>delay=00:00:03</c>, <c>at 12:01:02.5</c>.</summary>
    private static int ClockAt(ReadOnlySpan<char> s, int i)
    {
        var j = i;
        var k = i;
        if (Digits(s, ref k, 1, 2) == 0 || !Char(s, ref k, ':') || Digits(s, ref k, 2, 2) != 2 || !Char(s, ref k, ':'))
        {
            return 0; // hh:mm alone is too often something else (a ratio, a port, mm:ss)
        }
        return Time(s, ref j) && j > k ? j - i : 0;
    }

    /// <summary>[Day ]Mon dd time[ yyyy]</summary>
    private static int NamedAt(ReadOnlySpan<char> s, int i)
    {
        var j = i;
        if (Word(s, j, Days) && j + 4 < s.Length && s[j + 3] == ' ')
        {
            j += 4;
        }
        if (!Word(s, j, Months))
        {
            return 0;
        }
        j += 3;
        if (!Spaces(s, ref j) || Digits(s, ref j, 1, 2) == 0 || !Spaces(s, ref j) || !Time(s, ref j))
        {
            return 0;
        }
        var end = j;
        if (Spaces(s, ref j) && Digits(s, ref j, 4, 4) == 4 && Ends(s, j))
        {
            end = j;
        }
        return end - i;
    }

    /// <summary>yyyy-mm-dd[(T| )time][Z|±hh:mm]</summary>
    private static int IsoAt(ReadOnlySpan<char> s, int i)
    {
        var j = i;
        if (Digits(s, ref j, 4, 4) != 4 || !Char(s, ref j, '-') || Digits(s, ref j, 2, 2) != 2 || !Char(s, ref j, '-') || Digits(s, ref j, 2, 2) != 2)
        {
            return 0;
        }
        var end = j;
        if (j < s.Length && s[j] is 'T' or ' ')
        {
            var k = j + 1;
            if (Time(s, ref k))
            {
                end = k;
                if (k < s.Length && s[k] == 'Z')
                {
                    end = k + 1;
                }
                else if (k < s.Length && s[k] is '+' or '-')
                {
                    var z = k + 1;
                    if (Digits(s, ref z, 2, 2) == 2 && Char(s, ref z, ':') && Digits(s, ref z, 2, 2) == 2)
                    {
                        end = z;
                    }
                }
            }
        }
        return Ends(s, end) ? end - i : 0;
    }

    /// <summary>hh:mm[:ss[(.|,)fff]] or an already masked &lt;*&gt;.</summary>
    private static bool Time(ReadOnlySpan<char> s, ref int j)
    {
        if (s[j..].StartsWith(BuiltInMasks.Wildcard, StringComparison.Ordinal))
        {
            j += 3;
            return true;
        }
        var k = j;
        if (Digits(s, ref k, 1, 2) == 0 || !Char(s, ref k, ':') || Digits(s, ref k, 2, 2) != 2)
        {
            return false;
        }
        var save = k;
        if (Char(s, ref k, ':') && Digits(s, ref k, 2, 2) == 2)
        {
            save = k;
            if (k < s.Length && s[k] is '.' or ',')
            {
                k++;
                if (Digits(s, ref k, 1, 9) > 0)
                {
                    save = k;
                }
            }
        }
        if (!Ends(s, save) && s[save] is not ('Z' or '+' or '-'))
        {
            return false;
        }
        j = save;
        return true;
    }

    private static bool Word(ReadOnlySpan<char> s, int j, string[] words)
    {
        if (j + 3 > s.Length || (j + 3 < s.Length && char.IsAsciiLetterOrDigit(s[j + 3])))
        {
            return false;
        }
        var candidate = s.Slice(j, 3);
        foreach (var w in words)
        {
            if (candidate.SequenceEqual(w))
            {
                return true;
            }
        }
        return false;
    }

    private static bool Spaces(ReadOnlySpan<char> s, ref int j)
    {
        var start = j;
        while (j < s.Length && s[j] == ' ')
        {
            j++;
        }
        return j > start && j < s.Length;
    }

    private static int Digits(ReadOnlySpan<char> s, ref int j, int min, int max)
    {
        var start = j;
        while (j < s.Length && j - start < max && char.IsAsciiDigit(s[j]))
        {
            j++;
        }
        if (j - start < min)
        {
            j = start;
            return 0;
        }
        return j - start;
    }

    private static bool Char(ReadOnlySpan<char> s, ref int j, char c)
    {
        if (j < s.Length && s[j] == c)
        {
            j++;
            return true;
        }
        return false;
    }

    private static bool Ends(ReadOnlySpan<char> s, int j) => j >= s.Length || !char.IsAsciiLetterOrDigit(s[j]);
}
