using Vigil.Analytics.Metrics.Art;
using Vigil.Analytics.Metrics.Cad;

namespace Vigil.Analytics.Metrics;

/// <summary>
/// The per-series streaming ensemble: a spike detector (robust z-score against a fast level), a level-shift
/// detector (short against long mean), a daily seasonal detector (found automatically, residual against the same
/// time yesterday), combined by taking the strongest surprise and scored by <see cref="NoveltyScorer"/> (the
/// lightweight detector); by default two pattern detectors, CAD OSE and ARTime, the likelihood of the surprise and
/// the seasonal shift (a day unlike yesterday) give the score instead, and the balanced detector has ARTime, the cheap
/// transition novelty member in CAD's place, the likelihood and the shift; every detector with a joined score also
/// reports a source stuck at one value (<see cref="AnomalySignal.Flatline"/>; docs/metric-detection.md).
/// Feed samples in time order with <see cref="Update"/>: each is scored from the state built by the samples before
/// it (no look-ahead), then learned. O(1) per sample and no allocation (one array, the day's slots, is allocated
/// once the sampling interval is known). State: <see cref="ExportState"/> / <see cref="ImportState"/>.
/// </summary>
public sealed partial class MetricAnomalyDetector(DetectorSettings? settings = null)
{
    /// <summary>Samples used to estimate the sampling interval (and so the number of slots per day).</summary>
    private const int IntervalSamples = 16;

    private readonly DetectorSettings _settings = settings ?? DetectorSettings.Default;
    private long _samples;
    private DateTime _first;
    private DateTime _last;
    private SpikeDetector _spike;
    private LevelShiftDetector _shift = new(settings ?? DetectorSettings.Default);
    private SeasonalDetector? _seasonal;
    private NoveltyScorer _novelty;
    private AnomalyLikelihood _likelihood;
    private int _quiet; // samples left in the suppression after a score at or above the alert threshold
    private double _quietSurprise; // the statistical surprise of the value that armed the suppression
    private AlertRate _alertRate = new((settings ?? DetectorSettings.Default).AlertRateDamping, (settings ?? DetectorSettings.Default).AlertRateMemory);
    private AlertRate _contextualRate = new((settings ?? DetectorSettings.Default).ContextualRateDamping, (settings ?? DetectorSettings.Default).AlertRateMemory);

    /// <summary>A gated CAD score from which it counts in CAD's own rate: half its evidence says "new".</summary>
    private const double ContextualRateCountsFrom = 0.5;

    // Which statistical detector was most surprised by the latest sample (scratch, set by every Score).
    private AnomalySignal _strongest;

    // How far the latest sample lies from the recent level, in σ (scratch, set by every Score): a pattern's strength.
    private double _spikeSigmas;

    // The seasonal shift's strength for the latest sample (scratch, set by every Score; 0 for a series without a season).
    private double _seasonalShift;
    private OnlineContextDetector? _contextual =
        (settings ?? DetectorSettings.Default).ContextualMaxContexts > 0 ? new(settings ?? DetectorSettings.Default) : null;
    private OnlineArtDetector? _art = OnlineArtDetector.Short(settings ?? DetectorSettings.Default);
    private OnlineArtDetector? _artLong = OnlineArtDetector.Long(settings ?? DetectorSettings.Default);
    private TransitionNoveltyDetector? _transitions = (settings ?? DetectorSettings.Default).TransitionNovelty ? new(settings ?? DetectorSettings.Default) : null;
    private NearestWindowDetector? _nearest = (settings ?? DetectorSettings.Default).NearestWindowHistory is > 0 and var history ? new(history) : null;
    private FlatlineDetector? _flatline = (settings ?? DetectorSettings.Default).FlatlineRunFactor > 0 ? new(settings ?? DetectorSettings.Default) : null;

    /// <summary>The nearest-window member's weight in the noisy-or: alone it scores 29–35 on NAB, so it adds to the
    /// others rather than speaking for itself (docs/metric-detection.md, "A nearest-window member").</summary>
    private const double NearestWindowWeight = 0.5;

    /// <summary>The ensemble's surprise for the latest sample (before the novelty scorer).</summary>
    internal double LastSurprise { get; private set; }

    /// <summary>The gated contextual score of the latest sample, before the likelihood and suppression (the
    /// detector's score up to state version 2, kept for <c>vigil metrics nab --detector cad-online</c>).</summary>
    internal double LastContextualScore { get; private set; }

    /// <summary>Samples learned so far (skipped ones excluded).</summary>
    public long Samples => _samples;

    /// <summary>The series' recent alerts: each counts 1 and fades over <see cref="DetectorSettings.AlertRateMemory"/>
    /// samples (0 for the statistical detector, which has no joined score to damp).</summary>
    public double RecentAlerts => _alertRate.Rate;

    /// <summary>The joined score the series needs now to reach <paramref name="threshold"/> after the damping by its
    /// recent alerts: <paramref name="threshold"/> itself for a quiet series, more for one that keeps alerting.</summary>
    public double ScoreNeeded(double threshold) => _alertRate.Needed(threshold);

    /// <summary>The detected season in samples per day, or 0 when the series is not (yet) seasonal.</summary>
    public int SeasonalPeriod => _seasonal is { } s && s.IsSeasonal(_settings) ? s.Period : 0;

    /// <summary>
    /// Scores <paramref name="value"/> at <paramref name="timestamp"/>, then learns it. Non-finite values and
    /// timestamps not after the previous one are skipped (score 0, state unchanged) and say so in the signal.
    /// </summary>
    public AnomalyScore Update(DateTime timestamp, double value)
    {
        if (!double.IsFinite(value))
        {
            return AnomalyScore.Skipped(AnomalySignal.Missing);
        }
        if (_samples > 0 && timestamp <= _last)
        {
            return AnomalyScore.Skipped(AnomalySignal.OutOfOrder);
        }
        // Scoring and learning use the same floor: neither changes the level-shift statistics it comes from before
        // using it (computed once: a square root per sample).
        var floor = Floor();
        var (result, surprise) = Score(timestamp, value, floor);
        LastSurprise = surprise;
        Learn(timestamp, value, surprise, floor);
        var stuck = _flatline is not null && _flatline.Stuck(value) && _samples > _settings.WarmupSamples;
        if (_contextual is null && _art is null && _transitions is null && _nearest is null)
        {
            return QuietWhileYoung(result, value);
        }
        // Without CAD (the balanced and lightweight detectors) the statistical novelty score stands in its place.
        var contextual = _contextual is null ? result with { Score = CalibratedNovelty(result.Score) } : WithContextualScore(result, surprise, _contextual.Score(value));
        LastContextualScore = contextual.Score;
        // s / (1 + s), which is NaN for an infinite surprise (values near ±double.MaxValue): that is 1.
        var squashed = double.IsPositiveInfinity(surprise) ? 1.0 : surprise / (1 + surprise);
        var likelihood = _likelihood.Update(squashed, _samples >= LikelihoodArmedSamples, LikelihoodAlpha);
        // ARTime at its two time scales; either one founding a new cluster is the news.
        var art = Math.Max(_art?.Score(value) ?? 0.0, _artLong?.Score(value) ?? 0.0);
        var transition = _transitions is null ? 0.0 : Gated(_transitions.Score(value), surprise, _settings.TransitionGate);
        // The nearest window joins ARTime's share: both say "a stretch unlike any before", and the signal rules treat them alike.
        var pattern = 1.0 - ((1.0 - art) * (1.0 - (NearestWindowWeight * (_nearest?.Score(value) ?? 0.0))));
        var rescaledLikelihood = Math.Max(0.0, (likelihood - AnomalyLikelihood.AtMean) / (1.0 - AnomalyLikelihood.AtMean));
        var reported = QuietWhileYoung(Combined(contextual, rescaledLikelihood, pattern, transition, surprise, stuck), value);
        reported = Explained(reported, contextual, rescaledLikelihood, pattern, transition, surprise);
        if (reported.Score >= _settings.AlertThreshold)
        {
            _alertRate.Count(); // a reported alert: one the young-series rule quieted does not raise the bar
            if (reported.Signal == AnomalySignal.Flatline)
            {
                _flatline!.Reported(); // until then (a suppression) the run stays news
            }
        }
        return reported;
    }

    /// <summary>A young series' spike inside its own expected range scores 0 (<see cref="DetectorSettings.YoungSeriesSamples"/>),
    /// and so does a pattern with <see cref="DetectorSettings.YoungSeriesQuietsPatterns"/>; only the reported score
    /// changes, what was learned (and a suppression it armed) stays.</summary>
    private AnomalyScore QuietWhileYoung(AnomalyScore score, double value) =>
        (score.Signal == AnomalySignal.Spike || (score.Signal == AnomalySignal.Pattern && _settings.YoungSeriesQuietsPatterns))
            && _samples <= _settings.YoungSeriesSamples && value >= score.Lower && value <= score.Upper
            ? score with { Score = 0, Signal = AnomalySignal.None }
            : score;

    /// <summary>Samples learned before the anomaly likelihood may report anything.</summary>
    private const int LikelihoodArmedSamples = 300;

    /// <summary>Rate of the likelihood's running distribution of averaged surprise (a memory of ~1,000 samples).</summary>
    private const double LikelihoodAlpha = 0.001;

    /// <summary>
    /// The contextual score, Numenta's anomaly likelihood of the statistical surprise (squashed to [0, 1) as
    /// <c>s / (1 + s)</c>; rescaled so a usual surprise, NuPIC's 0.03, is 0 and a constant series scores 0) and
    /// ARTime's score, the gated transition novelty (balanced detector) and the seasonal shift's
    /// (<see cref="DetectorSettings.SeasonalShiftUnit"/>) joined by a noisy-or, <c>1 − (1 − a)(1 − b)…</c>: any can
    /// raise the score and together they raise it further (ARTime is not gated like CAD: gated, NAB lost a point and the
    /// white-noise test passes without it). A score the pattern members raised on an unremarkable value is a
    /// <see cref="AnomalySignal.Pattern"/> here (<see cref="Explained"/> names the member afterwards); one the seasonal shift raised most is a
    /// <see cref="AnomalySignal.SeasonalShift"/>; a run of one value longer than any before scores 1, a
    /// <see cref="AnomalySignal.Flatline"/>.
    /// The joined score is damped by the series' recent alerts (<see cref="AlertRate"/>): one that keeps alerting needs a
    /// clearer anomaly. After a score at or above <see cref="DetectorSettings.AlertThreshold"/> the detector stays quiet for
    /// <see cref="DetectorSettings.SuppressionSamples"/> samples, so one incident alerts once (NAB rewards the earliest
    /// detection in a window and charges every repeat outside it).
    /// </summary>
    private AnomalyScore Combined(AnomalyScore contextual, double likelihood, double art, double transition, double surprise, bool stuck)
    {
        _alertRate.Fade();
        if (_quiet > 0 && BreaksSuppression(surprise))
        {
            _quiet = 0;
        }
        if (_quiet > 0)
        {
            _quiet--;
            return contextual with { Score = 0, Signal = contextual.Signal == AnomalySignal.Warmup ? AnomalySignal.Warmup : AnomalySignal.None };
        }
        var unit = _settings.SeasonalShiftUnit;
        var shift = unit > 0 && _seasonalShift > unit ? 1.0 - (unit / _seasonalShift) : 0.0;
        // A run of one value longer than any before is a finding of its own, whatever the members say of its (ordinary)
        // values: it scores 1, so the damping cannot hide it, and reports once (see FlatlineDetector).
        var score = stuck ? 1.0 : _alertRate.Damped(1.0 - ((1.0 - contextual.Score) * (1.0 - likelihood) * (1.0 - art) * (1.0 - transition) * (1.0 - shift)));
        var shiftLeads = shift > 0 && shift >= Math.Max(Math.Max(contextual.Score, transition), Math.Max(likelihood, art));
        if (score >= _settings.AlertThreshold && _settings.SuppressionSamples > 0)
        {
            _quiet = _settings.SuppressionSamples;
            // A shift's values are each unremarkable (a small surprise), so the next merely unusual one would end its
            // suppression and the same day would alert twice; it takes a value two units surprising.
            _quietSurprise = shiftLeads ? Math.Max(surprise, 1) : surprise;
        }
        if (stuck)
        {
            return contextual with { Score = score, Signal = AnomalySignal.Flatline, Strength = _flatline!.Run };
        }
        if (shiftLeads)
        {
            return contextual with { Score = score, Signal = AnomalySignal.SeasonalShift, Strength = _seasonalShift };
        }
        var signal = contextual.Signal is not (AnomalySignal.None or AnomalySignal.Warmup) || score <= 0 ? contextual.Signal
            : likelihood > 0 || surprise >= 1 ? _strongest
            : AnomalySignal.Pattern;
        return contextual with { Score = score, Signal = signal };
    }

    /// <summary>
    /// The "why" of a reported score on a value the statistical parts find unremarkable (surprise below one unit): the
    /// part that gave most of the score, a pattern member (<see cref="PatternLeader"/>) or the statistical parts (the
    /// likelihood of the recent surprises, and the novelty score where there is no CAD). <see cref="Combined"/> labels
    /// by the statistical reading whenever the likelihood says anything, and the young-series rule was built and
    /// measured on that reading, so it judges before this relabelling and no score depends on it.
    /// </summary>
    private AnomalyScore Explained(AnomalyScore reported, AnomalyScore contextual, double likelihood, double stretch, double transition, double surprise)
    {
        if (reported.Score <= 0 || surprise >= 1 || reported.Signal is not (AnomalySignal.Pattern or AnomalySignal.Spike
            or AnomalySignal.LevelShift or AnomalySignal.SeasonalDeviation))
        {
            return reported; // a remarkable value, or a finding that names itself (a seasonal shift, a flatline)
        }
        var cad = _contextual is null ? 0.0 : contextual.Score;
        var statistical = Math.Max(likelihood, _contextual is null ? contextual.Score : 0.0);
        var patternLeads = Math.Max(cad, Math.Max(stretch, transition)) > statistical
            || (reported.Signal == AnomalySignal.Pattern && likelihood <= 0);
        var signal = patternLeads ? PatternLeader(cad, stretch, transition)
            : reported.Signal == AnomalySignal.Pattern ? _strongest // CAD said less than the likelihood
            : reported.Signal;
        // A pattern's strength says how ordinary the value itself is: its distance from the recent level (the
        // statistical reading's strength would be a level shift's or a seasonal residual's, in other units).
        var pattern = signal is AnomalySignal.Pattern or AnomalySignal.NovelStretch or AnomalySignal.NovelTransition;
        return reported with { Signal = signal, Strength = pattern ? _spikeSigmas : reported.Strength };
    }

    /// <summary>Which pattern member gave an unremarkable value most of its score, so the "why" names what it saw:
    /// CAD an unpredicted sequence, ARTime or the nearest window a stretch unlike any before, the transition novelty a
    /// move between levels never made before (on a tie, in that order).</summary>
    internal static AnomalySignal PatternLeader(double contextual, double stretch, double transition) =>
        contextual >= Math.Max(stretch, transition) ? AnomalySignal.Pattern
        : stretch >= transition ? AnomalySignal.NovelStretch
        : AnomalySignal.NovelTransition;

    /// <summary>
    /// A value at least one unit surprising and <see cref="DetectorSettings.SuppressionBreakFactor"/> times as
    /// surprising as the one that armed the suppression ends it: an incident alerts once unless something clearly
    /// worse follows (a false alarm on noise no longer hides the real spike after it).
    /// </summary>
    private bool BreaksSuppression(double surprise) =>
        _settings.SuppressionBreakFactor > 0 && surprise >= 1 && surprise > _settings.SuppressionBreakFactor * _quietSurprise;

    /// <summary>
    /// The contextual detector (CAD OSE) gives the score; the statistical parts still give the expected range and,
    /// when one of them is at least one unit surprised, the reason. Otherwise the value broke a learned sequence.
    /// </summary>
    private AnomalyScore WithContextualScore(AnomalyScore statistical, double surprise, double score)
    {
        // CAD alone flags white noise now and then (every new random context is "unexpected"); a value that the
        // statistical parts find unremarkable has its score scaled down, which keeps noise from paging.
        if (!_contextual!.Ready)
        {
            // CAD needs its range (600 samples); until then the statistical novelty score speaks, so a short or new
            // series still reports an obvious spike (it needs ~3× its record surprise to reach the alert threshold).
            return statistical;
        }
        // CAD on a series where it often speaks is less news each time (its own rate, besides the series' alert rate).
        _contextualRate.Fade();
        score = _contextualRate.Damped(Gated(score, surprise, _settings.ContextualGate));
        if (score >= ContextualRateCountsFrom)
        {
            _contextualRate.Count();
        }
        var signal = score <= 0 ? AnomalySignal.None
            : surprise >= 1 ? _strongest
            : AnomalySignal.Pattern;
        return statistical with { Score = score, Signal = signal };
    }

    /// <summary>
    /// The novelty score on the joined score's scale (<see cref="DetectorSettings.NoveltyAlertScore"/>): mapped by
    /// <c>1 − (1 − s)^k</c>, monotone, 0 and 1 fixed, with <c>k</c> such that the novelty score at which it alerts on
    /// its own lands on the alert threshold every detector shares.
    /// </summary>
    private double CalibratedNovelty(double score) =>
        score > 0 && _noveltyExponent != 1.0 ? 1.0 - Math.Pow(1.0 - score, _noveltyExponent) : score; // mostly 0: no Pow

    private readonly double _noveltyExponent = (settings ?? DetectorSettings.Default).NoveltyAlertScore is > 0 and < 1 and var alone
        ? Math.Log(1.0 - (settings ?? DetectorSettings.Default).AlertThreshold) / Math.Log(1.0 - alone)
        : 1.0;

    /// <summary>A pattern score on a value the statistical parts find unremarkable (surprise below
    /// <paramref name="gate"/>) is scaled down in proportion, so noise does not page.</summary>
    private static double Gated(double score, double surprise, double gate) =>
        surprise < gate ? score * surprise / gate : score;

    /// <summary>The smallest residual scale trusted (see <see cref="DetectorSettings.ScaleFloor"/>).</summary>
    private double Floor() => 1e-9 + (1e-6 * Math.Abs(_shift.LongMean)) + (_settings.ScaleFloor * _shift.LongStdDev);

    private (AnomalyScore Result, double Surprise) Score(DateTime timestamp, double value, double floor)
    {
        if (_samples == 0)
        {
            return (new AnomalyScore(0, value, value, value, AnomalySignal.Warmup, 0), 0);
        }
        var spikeSigmas = _spike.Strength(value, floor);
        _spikeSigmas = double.IsNaN(spikeSigmas) ? 0 : spikeSigmas;
        var spike = spikeSigmas / _settings.SpikeUnit;
        var shift = _shift.Strength(floor) / _settings.LevelShiftUnit;
        var seasonal = _seasonal is { } s && s.IsSeasonal(_settings) ? s : null;
        var season = seasonal?.Strength(timestamp, value, floor) / _settings.SeasonalUnit ?? 0;
        _seasonalShift = _settings.SeasonalShiftUnit > 0 && _samples >= _settings.WarmupSamples
            ? seasonal?.ShiftStrength(timestamp, value, floor) ?? 0
            : 0; // an hourly series has a day of pairs after ~64 samples, still in the warm-up, where nothing scores

        // Values near ±double.MaxValue overflow the statistics (∞/∞); such a comparison gives no evidence, not NaN.
        var (surprise, signal) = (double.IsNaN(spike) ? 0 : spike, AnomalySignal.Spike);
        if (shift > surprise)
        {
            (surprise, signal) = (shift, AnomalySignal.LevelShift);
        }
        if (season > surprise)
        {
            (surprise, signal) = (season, AnomalySignal.SeasonalDeviation);
        }

        _strongest = signal;
        var armed = _samples >= _settings.WarmupSamples;
        var score = _novelty.Score(surprise, armed, _settings);
        var (expected, sigma) = seasonal is not null && !double.IsNaN(seasonal.Expected(timestamp))
            ? (seasonal.Expected(timestamp), seasonal.Sigma(floor))
            : (_spike.Level, _spike.Sigma(floor));
        var result = new AnomalyScore(score, expected, expected - (3 * sigma), expected + (3 * sigma),
            !armed ? AnomalySignal.Warmup : score > 0 ? signal : AnomalySignal.None, surprise * UnitOf(signal));
        return (result, surprise);
    }

    private double UnitOf(AnomalySignal signal) => signal switch
    {
        AnomalySignal.LevelShift => _settings.LevelShiftUnit,
        AnomalySignal.SeasonalDeviation => _settings.SeasonalUnit,
        _ => _settings.SpikeUnit,
    };

    private void Learn(DateTime timestamp, double value, double surprise, double floor)
    {
        if (_samples == 0)
        {
            _first = timestamp;
        }
        _spike.Learn(value, floor, _settings);
        _shift.Learn(value);
        if (_seasonal is { } seasonal)
        {
            var residual = seasonal.Learn(timestamp, value);
            if (_settings.SeasonalShiftUnit > 0)
            {
                seasonal.LearnShift(residual, floor);
            }
        }
        _novelty.Learn(surprise, _samples >= _settings.RecordStartSamples, _settings);
        _samples++;
        _last = timestamp;
        if (_samples == IntervalSamples && _seasonal is null)
        {
            _seasonal = SeasonalDetector.ForInterval((timestamp - _first) / (IntervalSamples - 1), _settings);
        }
    }
}
