using Vigil.Core.Alerts;

namespace Vigil.Core.Tests.Alerts;

public class FingerprintTests
{
    /// <summary>FNV-1a 64 over "name 0xFF value 0xFF", written out independently of the production code.</summary>
    private static ulong HandFnv(params (string Name, string Value)[] sortedPairs)
    {
        var hash = 14695981039346656037UL;
        foreach (var (name, value) in sortedPairs)
        {
            foreach (var b in System.Text.Encoding.UTF8.GetBytes(name).Append((byte)0xFF).Concat(System.Text.Encoding.UTF8.GetBytes(value)).Append((byte)0xFF))
            {
                hash ^= b;
                hash *= 1099511628211UL;
            }
        }
        return hash;
    }

    [Fact]
    public void Fingerprint_of_alertname_test_equals_alertmanagers_value()
    {
        var fingerprint = LabelSet.From(("alertname", "test")).Fingerprint();

        Assert.Equal(HandFnv(("alertname", "test")), fingerprint.Value);
        Assert.Equal("1f56cb8f931d1bd4", fingerprint.ToString());
    }

    [Fact]
    public void Fingerprint_does_not_depend_on_label_order()
    {
        var a = LabelSet.From(("b", "2"), ("a", "1")).Fingerprint();
        var b = LabelSet.From(("a", "1"), ("b", "2")).Fingerprint();

        Assert.Equal(a, b);
        Assert.Equal(HandFnv(("a", "1"), ("b", "2")), a.Value);
    }

    [Fact]
    public void Fingerprint_of_empty_set_is_the_fnv_offset_basis()
    {
        Assert.Equal(14695981039346656037UL, LabelSet.Empty.Fingerprint().Value);
    }

    [Fact]
    public void Fingerprint_hashes_utf8_bytes_even_for_long_values()
    {
        var value = new string('é', 300);
        Assert.Equal(HandFnv(("x", value)), LabelSet.From(("x", value)).Fingerprint().Value);
    }

    [Fact]
    public void Fingerprint_round_trips_through_its_hex_form()
    {
        var fingerprint = LabelSet.From(("alertname", "test")).Fingerprint();

        Assert.True(Fingerprint.TryParse(fingerprint.ToString(), out var parsed));
        Assert.Equal(fingerprint, parsed);
        Assert.False(Fingerprint.TryParse("xyz", out _));
    }
}
