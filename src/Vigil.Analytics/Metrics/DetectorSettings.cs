namespace Vigil.Analytics.Metrics;

/// <summary>
/// The knobs of <see cref="MetricAnomalyDetector"/>. The defaults were chosen on NAB as one setting for every file
/// (nothing per file). Rates are per sample, so they follow the series' own sampling interval.
/// </summary>
public sealed record DetectorSettings
{
    public static DetectorSettings Default { get; } = new();

    /// <summary>Samples learned before the novelty scorer may report anything.</summary>
    public int WarmupSamples { get; init; } = 150;

    /// <summary>Samples after which the surprise record is kept (the first ones, with no scale yet, are not
    /// representative); the record then spans part of the warm-up, so the first scored sample is not a "record" by
    /// default.</summary>
    public int RecordStartSamples { get; init; } = 140;

    /// <summary>
    /// While a series has learned at most this many samples, a <see cref="AnomalySignal.Spike"/> whose value is inside
    /// its own expected range scores 0: the surprise record is still young and ordinary noise breaks it (the demo's
    /// queue alerted six times in three hours on values within ±3σ). One corpus-wide setting, measured on NAB
    /// (standard / low-FP / low-FN): the statistical detector (then the lightweight one) 34.2 / 28.2 / 37.6 → 34.5 / 28.8 / 37.9, default 58.7 / 50.5 / 63.4
    /// → 59.5 / 52.1 / 64.2; at 600 samples nothing changes; at every age the default gains more (59.9) but
    /// the statistical one loses (32.4: in-band early warnings inside anomaly windows are lost). 0 turns it off; the balanced
    /// detector has it off (measured once it had the transition novelty: NAB 64.6 / 54.6 with the rule, 66.9 / 56.1
    /// without on the folder, 68.0 / 62.9 and 73.2 / 66.8 outside it; the demo queue's noise is not flagged either way),
    /// while the lightweight one keeps it, for patterns too (<see cref="YoungSeriesQuietsPatterns"/>): it costs NAB there
    /// (50.0 / 40.6 without, 48.4 / 39.9 with it on the folder; 71.0 / 67.3 and 68.4 / 66.1 outside), but without it a
    /// new series of ordinary noise alerts within its first few hundred samples.
    /// </summary>
    public int YoungSeriesSamples { get; init; } = 1500;

    /// <summary>
    /// Whether the young-series rule also quiets a <see cref="AnomalySignal.Pattern"/> on a value inside its expected
    /// range: a pattern member's memory of moves is as young as the record, and its early news is mostly ordinary
    /// values (a uniform series flagged at its 211th sample, 1.5σ from its level). On in the lightweight
    /// detector only: NAB folder / outside / all six 48.4 / 68.3 / 54.9 without it, 48.4 / 68.4 / 54.9 with it; it
    /// would cost the default 1.0 / 2.8 / 2.6 (CAD's early news is what NAB's short files reward).
    /// </summary>
    public bool YoungSeriesQuietsPatterns { get; init; }

    /// <summary>
    /// The novelty score at which the statistical detector alerts on its own (0.07, its NAB-optimal threshold, the
    /// server's for it until decision 015), or 0. When set, a detector without CAD joins the novelty score to its other
    /// members on their scale: mapped so this value lands on the alert threshold (0.62 since decision 021; 0.69 when
    /// measured), as <c>1 − (1 − s)^k</c> with <c>k = ln(1 − 0.62) / ln(1 − 0.07) ≈ 13</c>. Unmapped, a novelty score of 0.07–0.3
    /// — the statistical detector's alerts — is lost in the noisy-or. On in the lightweight detector (NAB folder 36.8 →
    /// 48.4, outside 65.2 → 68.4; k 8 / 12 / 24: 44.4 / 48.8 / 48.0 and 68.9 / 68.9 / 68.4), off in balanced (folder 66.9 → 66.4 and
    /// low-FP 56.1 → 52.5, outside 73.2 → 76.1: mixed) — see docs/metric-detection.md.
    /// </summary>
    public double NoveltyAlertScore { get; init; }

    /// <summary>Smoothing of the expected level: fast, so a spike stands out against the recent values.</summary>
    public double LevelAlpha { get; init; } = 0.2;

    /// <summary>Smoothing of residual scales (a few hundred samples).</summary>
    public double ScaleAlpha { get; init; } = 0.01;

    /// <summary>The short and long means compared by the level-shift detector.</summary>
    public double ShortAlpha { get; init; } = 0.3;

    public double LongAlpha { get; init; } = 0.003;

    /// <summary>Fraction of the long-run standard deviation below which a residual scale is not trusted, so flat
    /// stretches and quantised values do not turn every small step into an "infinite" z-score.</summary>
    public double ScaleFloor { get; init; } = 0.01;

    /// <summary>Strength (in typical deviations) at which each detector counts as one unit of surprise.</summary>
    public double SpikeUnit { get; init; } = 4.0;

    public double LevelShiftUnit { get; init; } = 3.0;

    public double SeasonalUnit { get; init; } = 10.0;

    /// <summary>
    /// Where the seasonal shift starts to score (a noisy-or member of every detector but the statistical one): the fast
    /// mean of a seasonal series' residuals against the same time yesterday (a run of values each a little off — the
    /// daily peak that does not come, a holiday), in how far such means usually stray from 0. Above the unit it scores
    /// <c>1 − unit / strength</c>: twice the unit 0.5, four times 0.75 (past the alert threshold of 0.62). 0 turns it off (the
    /// statistical detector, which has no noisy-or, has it off). Measured on NAB, see docs/metric-detection.md.
    /// </summary>
    public double SeasonalShiftUnit { get; init; } = 6.0;

    /// <summary>Lag-one-period correlation above which a series is treated as seasonal.</summary>
    public double SeasonalityCorrelation { get; init; } = 0.6;

    /// <summary>The longest season kept, in samples (one day at 1 sample / 43 s); longer seasons are ignored to bound state.</summary>
    public int MaxSeasonSamples { get; init; } = 2016;

    /// <summary>Smoothing of the surprise before it is compared with its record.</summary>
    public double SurpriseSmoothing { get; init; } = 0.5;

    /// <summary>Per-sample decay of the surprise record, so a series can alert again long after a big event
    /// (0.9999: the record halves in ~7,000 samples).</summary>
    public double RecordDecay { get; init; } = 0.9999;

    /// <summary>
    /// Contexts CAD OSE may remember before it is rebuilt from the recent values; 0 turns the contextual detector off
    /// (the statistical ensemble and its novelty score then give the score). CAD's memory and per-sample cost grow
    /// with its contexts (about 300 bytes each), so this bounds both.
    /// </summary>
    public int ContextualMaxContexts { get; init; } = 4096;

    /// <summary>Values that fix the contextual detector's range (the range of the first
    /// <see cref="ContextualStartSamples"/> is provisional until then), then kept for replays.</summary>
    public int ContextualRangeSamples { get; init; } = 600;

    /// <summary>
    /// Values after which the contextual detector starts, on the provisional range of those values (refitted at
    /// <see cref="ContextualRangeSamples"/>): the statistical parts' warm-up, so a short or young series gets CAD's
    /// score early. Measured on NAB (standard / low-FP / low-FN): starting at 600 (as before) and at 150 score the
    /// same on the four categories in the folder (59.5 / 52.1 / 64.2 and 59.3 / 51.7 / 64.1: their files are long
    /// and NAB's probation hides the first 600 rows), while on two categories outside it, with files of 1,100–2,500
    /// rows, 53.5 / 47.6 / 59.3 becomes 62.9 / 55.6 / 68.4 (100 / 200 / 300: 64.2, 62.1, 59.4).
    /// </summary>
    public int ContextualStartSamples { get; init; } = 150;

    /// <summary>How far the learned range is widened on each side, as a fraction of its span.</summary>
    public double ContextualRangeMargin { get; init; } = 0.5;

    /// <summary>Samples the contextual detector stays quiet after a high score (CAD OSE's rest period).</summary>
    public int ContextualRestPeriod { get; init; } = 100;

    /// <summary>
    /// Whether a contextual detector rebuilt because a value left its range scores that value even if its replay of
    /// the recent values ended inside a rest period (see docs/metric-detection.md, "Three rules for when CAD and the
    /// ensemble may speak", rule 1). False only to reproduce earlier measurements.
    /// </summary>
    public bool ContextualRebuildScoresItsCause { get; init; } = true;

    /// <summary>
    /// Whether the rest period restarts only at a high score the contextual detector reported (true) or, as in CAD
    /// OSE, at any high score, even one it hid because it was resting (false): then a long run of novel values — a
    /// traffic jam, a failing disk — keeps CAD silent from its first value to 100 samples after its last, and a second
    /// incident inside that run is never reported. NAB (standard / low-FP / low-FN): folder 61.1 / 53.5 / 65.6 with
    /// CAD OSE's rule, 61.0 / 53.3 / 65.5 with this one; six categories with one threshold 57.8 / 50.9 / 62.5 →
    /// 59.8 / 52.8 / 64.5.
    /// </summary>
    public bool ContextualRestAfterReportedHigh { get; init; } = true;

    /// <summary>
    /// Statistical surprise (in units, see <see cref="SpikeUnit"/>) below which the contextual score is scaled down
    /// proportionally: 0.5 is a 2σ spike. Chosen so white noise does not page (the bad-input test), not on NAB.
    /// </summary>
    public double ContextualGate { get; init; } = 0.5;

    /// <summary>
    /// Samples of ARTime's probation (the second pattern detector, joined with CAD and the likelihood; 0 turns it
    /// off): they are learned in one batch and give its range; they also set its time scale (the downsampling step is
    /// a 104th of them). See docs/metric-detection.md, "ARTime".
    /// </summary>
    public int ArtSamples { get; init; } = 300;

    /// <summary>ARTime's range: the probation's min and max widened by this share of their span on each side (as CAD's).</summary>
    public double ArtRangeMargin { get; init; } = 0.5;

    /// <summary>Bound on ARTime's categories (ARTime itself has none: ~1,200 after 22,700 samples); past it the
    /// least recently resonating one is dropped. 32 doubles each.</summary>
    public int ArtMaxCategories { get; init; } = 256;

    /// <summary>
    /// The probation of ARTime at its second, longer time scale (0: none): a second ARTime, started once this many
    /// values are in, on their range (widened by <see cref="ArtRangeMargin"/>), so it steps over
    /// <c>ArtLongSamples / 104</c> samples at a time instead of <c>ArtSamples / 104</c>; the member's score is the
    /// higher of the two. ARTime sets its time scale from its probation, and NAB gives it 15 % of the file, up to 750
    /// values: a live series has no file length, so it gets both scales once it has the history for the longer one.
    /// Runs only alongside the first scale (<see cref="ArtSamples"/> &gt; 0). See docs/metric-detection.md,
    /// "ARTime at two time scales".
    /// </summary>
    public int ArtLongSamples { get; init; } = 750;

    /// <summary>
    /// Earlier windows the nearest-window member (<c>NearestWindowDetector</c>: how far the latest 32 values lie from
    /// every earlier stretch of as many, against the farthest of the last ~20,000 samples) compares with; 0: no
    /// member. It joins the noisy-or at half weight. On in the default only: it costs O(history) a sample (~1 µs at
    /// 1,000), a third of the balanced detector's whole budget. See docs/metric-detection.md, "A nearest-window member".
    /// </summary>
    public int NearestWindowHistory { get; init; } = 1000;

    /// <summary>
    /// Whether the transition novelty member (<c>TransitionNoveltyDetector</c>: a value whose move between levels of the
    /// learned range was never seen) joins the noisy-or; it uses CAD's range and rest settings. On in the balanced
    /// and lightweight detectors, off in the default (with CAD it only adds false positives) — see docs/metric-detection.md.
    /// </summary>
    public bool TransitionNovelty { get; init; }

    /// <summary>
    /// The smallest move, in levels, the transition novelty member may report as never seen (0: any move). A series
    /// that trends — a filling disk, a wandering gauge — keeps entering levels and wobbling back across their
    /// boundaries, moves of one level it never made, so with 0 a disk filling for a day alerts every hour or two; with 2
    /// only a jump of two levels or more is news. 2 in the lightweight detector (the fleet's, where filling disks are
    /// common), 0 in balanced, where it costs NAB four points (docs/metric-detection.md, "The lightweight detector with
    /// the member").
    /// </summary>
    public int TransitionMinimumJump { get; init; }

    /// <summary>
    /// Statistical surprise (in units) below which the transition novelty member's score is scaled down in proportion,
    /// as <see cref="ContextualGate"/> scales CAD's. One unit, where the statistical parts call a value surprising: a
    /// move between 8 coarse levels, after only the previous level, is far weaker evidence than a new CAD context, so
    /// it speaks in full only on a value that is itself unusual. At CAD's 0.5 (until decision 024) most of the balanced
    /// detector's alerts on white noise were this member's, on values just past the warm-up's extremes, 1.3–2.8σ out.
    /// Whole NAB corpus, balanced (standard / low-FP / low-FN): 69.6 / 57.3 / 75.7 at 0.5, 69.5 / 58.4 / 75.3 at 1
    /// with its threshold re-fitted (0.75 / 1.5 / 2: 68.8 / 68.1 / 67.6 at 0.62); see docs/metric-detection.md.
    /// </summary>
    public double TransitionGate { get; init; } = 1.0;

    /// <summary>
    /// How many times longer than any run before it a run of one unchanged value must last to be reported as a
    /// <see cref="AnomalySignal.Flatline"/> (<c>FlatlineDetector</c>: a hung exporter, a frozen sensor); 0: no member.
    /// 3 in every detector with a joined score (a run of zeros is never reported: see <c>FlatlineDetector</c>). On NAB's
    /// 58 files it reports once in 365,558 samples, on the flat middle of <c>art_daily_flatmiddle</c>, inside its
    /// window (docs/metric-detection.md, "Flatline").
    /// </summary>
    public double FlatlineRunFactor { get; init; } = 3.0;

    /// <summary>The shortest run of one value reported as a flatline, in samples (7.5 minutes at a 15-second scrape).</summary>
    public int FlatlineMinimumRun { get; init; } = 30;

    /// <summary>
    /// The score at which the detector counts an alert: it arms the suppression, counts in the alert rate, and (with
    /// <see cref="NoveltyAlertScore"/>) is where the calibrated novelty score lands. A server reports a detector's anomalies
    /// at this value unless configured otherwise, so an alert is the same thing in both places: 0.62
    /// (<c>SeriesScoring.DefaultAlertThreshold</c>, decision 021), 0.56 for the lightweight detector (decision 023) and
    /// 0.59 for the balanced one (decision 024);
    /// 0.69 until decision 021 (the older <c>vigil metrics nab</c> variants keep it, so they reproduce their rows).
    /// </summary>
    public double AlertThreshold { get; init; } = SeriesScoring.DefaultAlertThreshold;

    /// <summary>
    /// Samples the contextual ensemble stays quiet (score 0) after a score at or above <see cref="AlertThreshold"/>,
    /// so an incident alerts once; 0 turns it off. The same length as
    /// CAD's own rest period, not fitted to NAB.
    /// </summary>
    public int SuppressionSamples { get; init; } = 100;

    /// <summary>
    /// A value this many times as surprising (statistically) as the one that armed the suppression, and at least one
    /// unit surprising, ends it; 0 never does. NAB (standard / low-FP / low-FN), with the rest rule above: folder
    /// 61.0 / 53.3 / 65.5 → 60.9 / 53.1 / 65.4; six categories with one threshold 59.8 / 52.8 / 64.5 → 60.9 / 53.8 /
    /// 65.6 (1×: 60.9 / 54.8 / 65.5 there but 52.9 low-FP on the folder; 4×: no change).
    /// </summary>
    public double SuppressionBreakFactor { get; init; } = 2.0;

    /// <summary>
    /// How much a series' recent alerts raise the bar for its next one: the joined score's odds are divided by
    /// <c>1 + AlertRateDamping · rate</c>, where the rate counts the series' alerts, each fading by
    /// <c>1 − 1/AlertRateMemory</c> a sample (<c>AlertRate</c>). With 0.1, a series that alerted five times lately needs
    /// 0.71 where a quiet one needs 0.62, and a score of 1 always alerts. A series that keeps alerting is mostly telling
    /// its ordinary bursts (NAB's files hold one to five anomalies each; the false alarms pile up on the busy ones), so
    /// this is the prior that anomalies are rare, kept per series. 0 turns it off. Chosen from a small grid on NAB
    /// (docs/metric-detection.md, "Alert-rate damping"): every cell from 0.05 to 0.15 with a memory of 10,000 or
    /// 20,000 samples gained 1.9–2.5 points on the whole corpus.
    /// </summary>
    public double AlertRateDamping { get; init; } = 0.1;

    /// <summary>
    /// How much CAD's own recent high scores (a gated score of 0.5 or more) damp its next ones, as
    /// <see cref="AlertRateDamping"/> does for the joined score: CAD's score's odds are divided by
    /// <c>1 + ContextualRateDamping · rate</c>, the rate fading over <see cref="AlertRateMemory"/>. CAD's false alarms
    /// come from series where it often finds contexts new (noisy, spiky ones), so each finding there is less news. Only
    /// the default has CAD. From a small grid on NAB (docs/metric-detection.md, "Alert-rate damping"): 0.05–0.1, counted
    /// from 0.4–0.7, with memories of 3,000–30,000, gained 0.3–1.2 on the whole corpus over the alert-rate damping alone;
    /// 0.15 and more lost. Damping ARTime the same way lost 1.6 or more. 0 turns it off.
    /// </summary>
    public double ContextualRateDamping { get; init; } = 0.1;

    /// <summary>Samples over which an alert fades from the alert rate (its weight decays by 1/e over this many samples;
    /// 10,000 are ~35 days at 5-minute samples). See <see cref="AlertRateDamping"/>.</summary>
    public int AlertRateMemory { get; init; } = 10_000;

    /// <summary>
    /// The statistical ensemble alone, scored by its novelty score (no pattern member, no likelihood): the lightweight
    /// detector until the transition novelty joined it, ~2.5 KB per series and a score on another scale (its NAB
    /// threshold is 0.07). Kept so its measurements stay reproducible (<c>vigil metrics nab --detector statistical</c>);
    /// declared before <see cref="Lightweight"/>, which is built from it (static initialisers run in order).
    /// </summary>
    public static DetectorSettings Statistical { get; } = new() { ContextualMaxContexts = 0, ArtSamples = 0, SeasonalShiftUnit = 0, NearestWindowHistory = 0, FlatlineRunFactor = 0 };

    /// <summary>
    /// The statistical ensemble (its novelty score calibrated) with the transition novelty, the likelihood, the seasonal
    /// shift and a short nearest window (the last 100 windows), no CAD, no ARTime: the server's default, ~15–20× the default
    /// detector's speed and ~11 KB per series, for very many series, at a lower NAB score than the other two. Only jumps
    /// of two levels or more are news, so trending series do not page, and the young-series rule covers patterns too
    /// (docs/metric-detection.md, "The lightweight detector with the member"; the shift and the window: decision 020).
    /// </summary>
    public static DetectorSettings Lightweight { get; } =
        Statistical with { TransitionNovelty = true, TransitionMinimumJump = 2, YoungSeriesQuietsPatterns = true, NoveltyAlertScore = 0.07, SeasonalShiftUnit = Default.SeasonalShiftUnit, NearestWindowHistory = 100, AlertThreshold = SeriesScoring.LightweightAlertThreshold, FlatlineRunFactor = Default.FlatlineRunFactor };

    /// <summary>
    /// The statistical ensemble with ARTime at both time scales, the transition novelty (a cheap stand-in for CAD) and
    /// the likelihood, without CAD: several times the default's speed with no noise worst case, ~1/4 of its memory, NAB
    /// between the two (see docs/metric-detection.md, "Balanced" and "Transition novelty"; the second ARTime scale:
    /// decision 022).
    /// </summary>
    public static DetectorSettings Balanced { get; } = new() { ContextualMaxContexts = 0, TransitionNovelty = true, YoungSeriesSamples = 0, NearestWindowHistory = 0, AlertThreshold = SeriesScoring.BalancedAlertThreshold };
}
