using Vigil.Core.Matching;
using Vigil.Core.Silences;
using static Vigil.Core.Tests.TestData;

namespace Vigil.Core.Tests.Silences;

public class SilencerTests
{
    private static Silence Silence(string matchers, DateTimeOffset starts, DateTimeOffset ends) =>
        new(Guid.NewGuid(), MatcherParser.ParseList(matchers), starts, ends, "me", "maintenance", starts);

    [Fact]
    public void Active_silence_mutes_matching_alerts_only()
    {
        var silence = Silence("{service=\"checkout\"}", T0, T0.AddHours(1));
        var silencer = new Silencer([silence], T0.AddMinutes(1));

        Assert.Equal([silence.Id], silencer.SilencedBy(Labels(("service", "checkout"), ("alertname", "X"))));
        Assert.Empty(silencer.SilencedBy(Labels(("service", "search"))));
        Assert.True(silencer.IsSilenced(Labels(("service", "checkout"))));
    }

    [Fact]
    public void Pending_and_expired_silences_do_not_mute()
    {
        var pending = Silence("{a=\"1\"}", T0.AddHours(1), T0.AddHours(2));
        var expired = Silence("{a=\"1\"}", T0.AddHours(-2), T0);
        var silencer = new Silencer([pending, expired], T0);

        Assert.Equal(0, silencer.ActiveCount);
        Assert.False(silencer.IsSilenced(Labels(("a", "1"))));
    }

    [Fact]
    public void All_matchers_of_a_silence_must_match()
    {
        var silencer = new Silencer([Silence("{a=\"1\", b=~\"x|y\"}", T0, T0.AddHours(1))], T0);

        Assert.True(silencer.IsSilenced(Labels(("a", "1"), ("b", "y"))));
        Assert.False(silencer.IsSilenced(Labels(("a", "1"), ("b", "z"))));
    }

    [Fact]
    public void Every_muting_silence_is_reported()
    {
        var one = Silence("{a=\"1\"}", T0, T0.AddHours(1));
        var two = Silence("{b=\"2\"}", T0, T0.AddHours(1));

        var ids = new Silencer([one, two], T0).SilencedBy(Labels(("a", "1"), ("b", "2")));

        Assert.Equal([one.Id, two.Id], ids);
    }
}
