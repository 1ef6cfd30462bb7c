using Vigil.Core.Alerts;
using Vigil.Core.Matching;

namespace Vigil.Core.Silences;

public enum SilenceState
{
    Pending,
    Active,
    Expired,
}

/// <summary>A silence mutes every alert its matchers all match while it is active (Alertmanager semantics).</summary>
public sealed record Silence(
    Guid Id,
    IReadOnlyList<Matcher> Matchers,
    DateTimeOffset StartsAt,
    DateTimeOffset EndsAt,
    string CreatedBy,
    string Comment,
    DateTimeOffset UpdatedAt)
{
    public SilenceState StateAt(DateTimeOffset now) =>
        now >= EndsAt ? SilenceState.Expired : now < StartsAt ? SilenceState.Pending : SilenceState.Active;

    public bool Mutes(LabelSet labels, DateTimeOffset now) =>
        StateAt(now) == SilenceState.Active && Matchers.MatchesAll(labels);
}
