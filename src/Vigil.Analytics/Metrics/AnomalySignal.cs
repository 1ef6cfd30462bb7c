namespace Vigil.Analytics.Metrics;

/// <summary>Which detector drove a score (the "why" of an anomaly), or why a point was not scored.</summary>
public enum AnomalySignal : byte
{
    /// <summary>Nothing unusual.</summary>
    None,

    /// <summary>Still learning the series (the first samples); scored 0.</summary>
    Warmup,

    /// <summary>NaN or infinite value: skipped, scored 0, not learned.</summary>
    Missing,

    /// <summary>Timestamp not after the previous one (duplicate or out of order): skipped, scored 0, not learned.</summary>
    OutOfOrder,

    /// <summary>A value far from the expected one (robust z-score of the residual).</summary>
    Spike,

    /// <summary>The recent mean moved away from the long-run mean.</summary>
    LevelShift,

    /// <summary>A seasonal series differs from its value at the same time the day before.</summary>
    SeasonalDeviation,

    /// <summary>An unremarkable value in an unusual order: the contextual detector (CAD OSE) did not predict it.</summary>
    Pattern,

    /// <summary>A run of values each a little off the same time the day before: a day unlike yesterday (the daily
    /// peak that does not come, a holiday).</summary>
    SeasonalShift,

    /// <summary>The series has held one value for longer than it ever held one before: a hung exporter, a frozen sensor
    /// (<see cref="AnomalyScore.Strength"/> is the run's length in samples).</summary>
    Flatline,

    /// <summary>Unremarkable values whose stretch is unlike any the series went through before: ARTime founded a new
    /// cluster for it, or the latest values lie farther from every earlier stretch than any stretch did (the nearest
    /// window). A pattern, like <see cref="Pattern"/>, led by those members instead of CAD.</summary>
    NovelStretch,

    /// <summary>An unremarkable value reached by a move between two levels of the series' range that it never made
    /// before (the transition novelty member of the balanced and lightweight detectors). A pattern, like
    /// <see cref="Pattern"/>.</summary>
    NovelTransition,
}
