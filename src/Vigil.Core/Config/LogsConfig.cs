namespace Vigil.Core.Config;

/// <summary>How the lines of one log source are read before mining.</summary>
/// <param name="Format">A LogPAI-style header format (<c>&lt;Date&gt; &lt;Time&gt; &lt;Level&gt;: &lt;Content&gt;</c>); null mines whole lines.</param>
/// <param name="Masks">Extra masking regexes, applied in order after the header is split off.</param>
public sealed record LogSourceSettings(string? Format, IReadOnlyList<string> Masks)
{
    public static readonly LogSourceSettings WholeLine = new(null, []);
}

/// <summary>The <c>logs:</c> section: settings for named sources and the defaults for every other source.</summary>
/// <param name="Retention">How long per-minute template counts are kept (templates themselves are kept while their miner keeps them).</param>
/// <param name="MaxSources">Sources mined at most; lines of further sources are skipped (<c>source_limit</c>): each holds a miner.</param>
/// <param name="MaxAlertsPerMinute">Storm guard: new log-pattern alerts per minute across all sources.</param>
public sealed record LogsConfig(LogSourceSettings Defaults, IReadOnlyDictionary<string, LogSourceSettings> Sources, TimeSpan Retention,
    int MaxSources = LogsConfig.DefaultMaxSources, int MaxAlertsPerMinute = LogsConfig.DefaultMaxAlertsPerMinute)
{
    public static readonly TimeSpan DefaultRetention = TimeSpan.FromDays(14);

    public static readonly TimeSpan DefaultSourceTtl = TimeSpan.FromDays(7);

    /// <summary>A source that has sent no line for this long is forgotten (miner, templates, counts), so source labels
    /// that churn (per pod, per file) do not fill <see cref="MaxSources"/> for good; zero keeps every source.</summary>
    public TimeSpan SourceTtl { get; init; } = DefaultSourceTtl;

    public const int DefaultMaxSources = 1_000;

    public const int DefaultMaxAlertsPerMinute = 100;

    public static readonly LogsConfig Default = new(LogSourceSettings.WholeLine, new Dictionary<string, LogSourceSettings>(), DefaultRetention);

    public LogSourceSettings For(string source) => Sources.TryGetValue(source, out var settings) ? settings : Defaults;
}
