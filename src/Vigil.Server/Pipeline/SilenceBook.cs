using System.Collections.Immutable;
using Vigil.Core.Alerts;
using Vigil.Core.Silences;

namespace Vigil.Server.Pipeline;

/// <summary>
/// The current silences, in memory for matching on every read and flush. Replaced copy-on-write after each commit,
/// so readers never lock.
/// </summary>
public sealed class SilenceBook
{
    private ImmutableDictionary<Guid, Silence> _silences = ImmutableDictionary<Guid, Silence>.Empty;

    public IEnumerable<Silence> All => _silences.Values;

    public Silence? Get(Guid id) => _silences.TryGetValue(id, out var silence) ? silence : null;

    internal void Set(Silence silence) => ImmutableInterlocked.Update(ref _silences, static (d, s) => d.SetItem(s.Id, s), silence);

    internal void Load(IEnumerable<Silence> silences)
    {
        foreach (var silence in silences)
        {
            Set(silence);
        }
    }

    /// <summary>Ids of the active silences that mute these labels.</summary>
    public List<string> SilencedBy(LabelSet labels, DateTimeOffset now)
    {
        List<string>? ids = null;
        foreach (var silence in _silences.Values)
        {
            if (silence.Mutes(labels, now))
            {
                (ids ??= []).Add(silence.Id.ToString());
            }
        }
        return ids ?? [];
    }
}
