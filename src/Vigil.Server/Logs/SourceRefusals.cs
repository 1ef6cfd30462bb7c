namespace Vigil.Server.Logs;

/// <summary>
/// Sources refused because <c>logs.max_sources</c> were mined: counts their lines and says when a refusal is worth a
/// warning — once per source name per <see cref="WarnEvery"/>, since a shipper retries the same source many times a
/// second and each refusal is answered 200 (the shipper sees it as delivered, so the log is where anyone notices).
/// </summary>
internal sealed class SourceRefusals(TimeProvider time)
{
    public static readonly TimeSpan WarnEvery = TimeSpan.FromHours(1);

    /// <summary>Names remembered at most: churning labels must not grow this without bound (the further names of the
    /// hour are counted but not warned about).</summary>
    private const int MaxNames = 1_000;

    private readonly Dictionary<string, DateTimeOffset> _warnedAt = new(StringComparer.Ordinal);
    private long _lines;

    /// <summary>Lines skipped as <c>source_limit</c> since the start.</summary>
    public long Lines => Interlocked.Read(ref _lines);

    /// <summary>Counts <paramref name="lines"/> refused for <paramref name="source"/>; true if a warning is due.</summary>
    public bool Refused(string source, int lines)
    {
        Interlocked.Add(ref _lines, lines);
        var now = time.GetUtcNow();
        lock (_warnedAt)
        {
            if (_warnedAt.TryGetValue(source, out var at) && now - at < WarnEvery)
            {
                return false;
            }
            if (_warnedAt.Count >= MaxNames)
            {
                foreach (var (name, _) in _warnedAt.Where(p => now - p.Value >= WarnEvery).ToList())
                {
                    _warnedAt.Remove(name);
                }
                if (_warnedAt.Count >= MaxNames)
                {
                    return false;
                }
            }
            _warnedAt[source] = now;
            return true;
        }
    }
}
