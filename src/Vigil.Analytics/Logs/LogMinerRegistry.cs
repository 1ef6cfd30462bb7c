using System.Collections.Concurrent;

namespace Vigil.Analytics.Logs;

/// <summary>
/// One <see cref="LogMiner"/> per source (service, stream), created on first use. Sources mine in parallel; lines of
/// one source serialise on that source's lock, which keeps template ids and counts exact.
/// </summary>
public sealed class LogMinerRegistry(Func<string, MinerOptions> optionsFor, TimeProvider? time = null)
{
    private readonly ConcurrentDictionary<string, LogMiner> _miners = new(StringComparer.Ordinal);

    public LogMinerRegistry()
        : this(_ => new MinerOptions())
    {
    }

    /// <summary>The miner of <paramref name="source"/>, created with its options on first use.</summary>
    public LogMiner For(string source) => _miners.GetOrAdd(source, s => new LogMiner(optionsFor(s), time));

    /// <summary>Adds a miner restored from storage (replacing any existing one for that source).</summary>
    public void Restore(string source, MinerSnapshot snapshot) =>
        _miners[source] = LogMiner.Import(snapshot, optionsFor(source), time);

    /// <summary>Drops the miner of a forgotten source, so a source of that name that sends again starts with an empty one.</summary>
    public bool Forget(string source) => _miners.TryRemove(source, out _);

    public IReadOnlyCollection<string> Sources => [.. _miners.Keys];
}
