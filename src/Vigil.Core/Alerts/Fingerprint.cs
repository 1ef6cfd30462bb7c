using System.Globalization;
using System.Text;

namespace Vigil.Core.Alerts;

/// <summary>
/// Identity of an alert: a 64-bit FNV-1a hash of its sorted label set, computed exactly as Prometheus'
/// <c>model.LabelSet.Fingerprint()</c> does (name, 0xFF, value, 0xFF for each label in name order), so Vigil shows
/// the same fingerprint Alertmanager would for the same alert, on every backend and across restarts.
/// </summary>
public readonly record struct Fingerprint(ulong Value) : IComparable<Fingerprint>
{
    private const ulong Offset64 = 14695981039346656037UL;
    private const ulong Prime64 = 1099511628211UL;
    private const byte Separator = 0xFF;

    public static Fingerprint Of(LabelSet labels)
    {
        var hash = Offset64;
        Span<byte> buffer = stackalloc byte[256];
        foreach (var (name, value) in labels.Pairs)
        {
            hash = Add(hash, name, buffer);
            hash = AddByte(hash, Separator);
            hash = Add(hash, value, buffer);
            hash = AddByte(hash, Separator);
        }
        return new Fingerprint(hash);
    }

    private static ulong Add(ulong hash, string text, Span<byte> scratch)
    {
        var max = Encoding.UTF8.GetMaxByteCount(text.Length);
        var bytes = max <= scratch.Length ? scratch : new byte[max];
        var length = Encoding.UTF8.GetBytes(text, bytes);
        foreach (var b in bytes[..length])
        {
            hash ^= b;
            hash *= Prime64;
        }
        return hash;
    }

    private static ulong AddByte(ulong hash, byte b)
    {
        hash ^= b;
        hash *= Prime64;
        return hash;
    }

    public static bool TryParse(string? text, out Fingerprint fingerprint)
    {
        if (text is { Length: 16 } && ulong.TryParse(text, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var value))
        {
            fingerprint = new Fingerprint(value);
            return true;
        }
        fingerprint = default;
        return false;
    }

    public int CompareTo(Fingerprint other) => Value.CompareTo(other.Value);

    /// <summary>Sixteen lower-case hex digits, as Alertmanager prints fingerprints.</summary>
    public override string ToString() => Value.ToString("x16", CultureInfo.InvariantCulture);
}
