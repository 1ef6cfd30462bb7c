using Vigil.Core.Inhibition;
using Vigil.Core.Matching;
using Vigil.Core.Muting;
using Vigil.Core.Silences;
using static Vigil.Core.Tests.TestData;

namespace Vigil.Core.Tests.Inhibition;

public class AlertMutingTests
{
    [Fact]
    public void Combines_silences_and_inhibitions()
    {
        var silence = new Silence(Guid.NewGuid(), MatcherParser.ParseList("service=\"quiet\""), T0, T0.AddHours(1), "me", "c", T0);
        var rule = new InhibitRule(MatcherParser.ParseList("alertname=\"NodeDown\""), MatcherParser.ParseList("alertname=\"DiskFull\""), ["instance"]);
        var down = Firing(T0, ("alertname", "NodeDown"), ("instance", "a"));
        var disk = Firing(T0, ("alertname", "DiskFull"), ("instance", "a"));
        var quiet = Firing(T0, ("alertname", "Other"), ("service", "quiet"));
        var loud = Firing(T0, ("alertname", "Other"), ("service", "loud"));

        var muting = AlertMuting.At(T0, [silence], [rule], [down, disk, quiet, loud]);

        Assert.True(muting.IsMuted(disk));
        Assert.True(muting.IsMuted(quiet));
        Assert.False(muting.IsMuted(loud));
        Assert.False(muting.IsMuted(down));
        Assert.Equal([down.Fingerprint], muting.InhibitedBy(disk));
        Assert.Equal([silence.Id], muting.SilencedBy(quiet));
    }

    [Fact]
    public void Equal_label_values_cannot_fake_a_boundary()
    {
        var rule = new InhibitRule(MatcherParser.ParseList("kind=\"source\""), MatcherParser.ParseList("kind=\"target\""), ["a", "b"]);
        var source = Firing(T0, ("kind", "source"), ("a", "x:1"), ("b", "y"));
        var target = Firing(T0, ("kind", "target"), ("a", "x"), ("b", "1:y"));

        Assert.False(InhibitionIndex.Build([rule], [source, target], T0).IsInhibited(target));
    }
}
