using Vigil.Core.Alerts;
using Vigil.Core.Config;

namespace Vigil.Core.Tests;

/// <summary>Builders shared by the tests: a fixed epoch and terse alert constructors.</summary>
internal static class TestData
{
    public static readonly DateTimeOffset T0 = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    public static LabelSet Labels(params (string Name, string Value)[] pairs) => LabelSet.From(pairs);

    /// <summary>An alert that started and arrived at <paramref name="at"/> and fires for a day unless resolved.</summary>
    public static Alert Firing(DateTimeOffset at, params (string Name, string Value)[] labels) =>
        new(LabelSet.From(labels), LabelSet.Empty, at, at.AddDays(1), "", at);

    /// <summary>The same alert, resolved by its sender at <paramref name="at"/>.</summary>
    public static Alert Resolved(this Alert alert, DateTimeOffset at) => alert with { EndsAt = at, UpdatedAt = at };

    /// <summary>The same alert received again at <paramref name="at"/> (e.g. after it was resolved).</summary>
    public static Alert Refired(this Alert alert, DateTimeOffset at) => alert with { StartsAt = at, EndsAt = at.AddDays(1), UpdatedAt = at };

    public static VigilConfig ParseConfig(string yaml) => ConfigLoader.Parse(yaml, "test.yml");
}
