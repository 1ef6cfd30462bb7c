using Vigil.Core.Alerts;
using Vigil.Core.Incidents;
using Vigil.Core.Matching;
using Vigil.Core.Security;
using Vigil.Core.Silences;
using Vigil.Core.Store;
using MatchType = Vigil.Core.Matching.MatchType;

namespace Vigil.Storage.Tests;

/// <summary>Builders for stored records, and comparisons by value (records holding lists compare lists by reference).</summary>
internal static class TestData
{
    /// <summary>A base instant with a non-zero microsecond part, so truncation to milliseconds would show.</summary>
    public static readonly DateTimeOffset T0 = new DateTimeOffset(2026, 3, 4, 5, 6, 7, TimeSpan.Zero).AddTicks(1_234_560);

    /// <summary>An instant <paramref name="seconds"/> after T0 plus some microseconds, in a non-UTC offset.</summary>
    public static DateTimeOffset At(int seconds, int micros = 0) =>
        T0.AddSeconds(seconds).AddTicks(micros * 10L).ToOffset(TimeSpan.FromHours(2));

    public static Alert Alert(string name, string instance = "host-1", int seconds = 0, params (string, string)[] extra) => new(
        LabelSet.From([("alertname", name), ("instance", instance), .. extra]),
        LabelSet.From(("summary", $"{name} on {instance}"), ("runbook", "https://runbooks.example/" + name)),
        At(seconds, 7),
        At(seconds + 300, 11),
        "http://prometheus:9090/graph?g0.expr=up",
        At(seconds, 13));

    public static ChangeSet Changes(Action<ChangeSet> fill)
    {
        var set = new ChangeSet();
        fill(set);
        return set;
    }

    public static Incident Incident(long id, IncidentStatus status = IncidentStatus.Triggered, params Fingerprint[] alerts) => new(
        id,
        $"{{}}:{{alertname=\"Alert{id}\"}}",
        $"Alert{id} firing",
        status,
        Severity.Critical,
        "P2",
        LabelSet.From(("alertname", $"Alert{id}")),
        "oncall",
        At((int)id, 1),
        At((int)id + 1, 2),
        status == IncidentStatus.Acknowledged ? At((int)id + 2, 3) : null,
        status == IncidentStatus.Acknowledged ? "alice" : null,
        status == IncidentStatus.Resolved ? At((int)id + 3, 4) : null,
        status == IncidentStatus.Resolved ? "bob" : null,
        alerts);

    public static Silence Silence(Guid id, string comment = "maintenance") => new(
        id,
        [
            Matcher.Create("alertname", MatchType.Equal, "DiskFull"),
            Matcher.Create("instance", MatchType.NotEqual, "db-1"),
            Matcher.Create("job", MatchType.Regex, "node|\"kube\\\\.*"),
            Matcher.Create("region", MatchType.NotRegex, "eu-.*"),
        ],
        At(0, 5),
        At(3600, 6),
        "carol",
        comment,
        At(1, 7));

    public static ApiToken Token(string id, string hash, DateTimeOffset? revokedAt = null) =>
        new(id, "token " + id, Role.Responder, hash, At(10, 20), "admin", revokedAt);

    public static void Same(Alert expected, Alert actual)
    {
        Assert.Equal(expected.Fingerprint, actual.Fingerprint);
        Assert.Equal(expected.Labels, actual.Labels);
        Assert.Equal(expected.Annotations, actual.Annotations);
        SameTime(expected.StartsAt, actual.StartsAt);
        SameTime(expected.EndsAt, actual.EndsAt);
        Assert.Equal(expected.GeneratorUrl, actual.GeneratorUrl);
        SameTime(expected.UpdatedAt, actual.UpdatedAt);
        Assert.Equal(expected.Timeout, actual.Timeout);
    }

    public static void Same(Incident expected, Incident? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected with { Alerts = [] }, actual with { Alerts = [] });
        Assert.Equal(expected.Alerts, actual.Alerts);
        SameTime(expected.CreatedAt, actual.CreatedAt);
        SameTime(expected.UpdatedAt, actual.UpdatedAt);
    }

    public static void Same(Silence expected, Silence actual)
    {
        Assert.Equal(expected with { Matchers = [] }, actual with { Matchers = [] });
        Assert.Equal(expected.Matchers, actual.Matchers);
        Assert.Equal(expected.Matchers.Select(m => m.ToString()), actual.Matchers.Select(m => m.ToString()));
    }

    /// <summary>Same instant to the tick (DateTimeOffset equality already ignores the offset).</summary>
    public static void SameTime(DateTimeOffset expected, DateTimeOffset actual) => Assert.Equal(expected.UtcTicks, actual.UtcTicks);
}
