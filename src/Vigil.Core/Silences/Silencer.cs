using Vigil.Core.Alerts;
using Vigil.Core.Matching;

namespace Vigil.Core.Silences;

/// <summary>
/// Answers "which silences mute this alert right now?" for one moment. Build a new one when the silences change or
/// time moves on; it keeps only the silences active at <c>now</c>, so queries skip pending and expired ones.
/// </summary>
public sealed class Silencer
{
    private readonly Silence[] _active;

    public Silencer(IEnumerable<Silence> silences, DateTimeOffset now)
    {
        var active = new List<Silence>();
        foreach (var silence in silences)
        {
            if (silence.StateAt(now) == SilenceState.Active)
            {
                active.Add(silence);
            }
        }
        _active = [.. active];
    }

    public int ActiveCount => _active.Length;

    /// <summary>Ids of the active silences whose matchers all match; empty when the alert is not silenced.</summary>
    public IReadOnlyList<Guid> SilencedBy(LabelSet labels)
    {
        List<Guid>? ids = null;
        foreach (var silence in _active)
        {
            if (silence.Matchers.MatchesAll(labels))
            {
                (ids ??= []).Add(silence.Id);
            }
        }
        return ids ?? (IReadOnlyList<Guid>)[];
    }

    public bool IsSilenced(LabelSet labels)
    {
        foreach (var silence in _active)
        {
            if (silence.Matchers.MatchesAll(labels))
            {
                return true;
            }
        }
        return false;
    }
}
