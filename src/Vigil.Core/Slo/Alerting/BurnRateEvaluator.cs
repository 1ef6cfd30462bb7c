using Vigil.Core.Slo.Budget;

namespace Vigil.Core.Slo.Alerting;

/// <summary>Burn rate over one window; NaN when the window has no events.</summary>
public readonly record struct WindowBurnRate(TimeSpan Window, double BurnRate);

/// <summary>One evaluation: burn rates per window (shortest first), the period's, and the alerts whose both windows burn too fast.</summary>
public sealed record BurnRateEvaluation(
    IReadOnlyList<WindowBurnRate> BurnRates,
    double PeriodBurnRate,
    IReadOnlyList<BurnRateWindow> Firing)
{
    /// <summary>The most urgent firing severity (page before ticket), or null.</summary>
    public AlertSeverity? Severity => Firing.Count == 0 ? null : Firing.Min(f => f.Severity);

    /// <summary>Share of the rolling period's budget left (1 − period burn rate), as Sloth's <c>period_error_budget_remaining</c>.</summary>
    public double BudgetRemaining => 1 - PeriodBurnRate;
}

/// <summary>
/// Multi-window, multi-burn-rate evaluation of one SLO objective from incremental per-minute counts. Feed it one
/// aggregate per minute (<see cref="Record"/>); <see cref="Evaluate"/> reads the running window sums of its
/// <see cref="MinuteRing"/>, so its cost does not depend on the window lengths.
/// </summary>
public sealed class BurnRateEvaluator
{
    private readonly double _allowedErrorRatio;
    private readonly BurnRateWindow[] _alerts;
    private readonly int[] _shortIndex;
    private readonly int[] _longIndex;
    private readonly TimeSpan[] _windows;
    private readonly int _periodIndex;

    public BurnRateEvaluator(double objective, TimeSpan period)
        : this(objective, period, BurnRateWindows.For(period))
    {
    }

    public BurnRateEvaluator(double objective, TimeSpan period, IReadOnlyList<BurnRateWindow> alerts)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(objective, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(objective, 1);
        _allowedErrorRatio = 1 - objective;
        _alerts = [.. alerts];
        _windows = [.. alerts.SelectMany(a => new[] { a.Short, a.Long }).Append(period).Distinct().Order()];
        _shortIndex = [.. _alerts.Select(a => Array.IndexOf(_windows, a.Short))];
        _longIndex = [.. _alerts.Select(a => Array.IndexOf(_windows, a.Long))];
        _periodIndex = Array.IndexOf(_windows, period);
        Ring = new MinuteRing((int)period.TotalMinutes, [.. _windows.Select(w => (int)w.TotalMinutes)]);
    }

    public MinuteRing Ring { get; }

    public IReadOnlyList<BurnRateWindow> Alerts => _alerts;

    /// <summary>Sets the good and total events of the minute that contains <paramref name="minute"/>.</summary>
    public bool Record(DateTimeOffset minute, double good, double total) => Ring.Record(MinuteRing.MinuteOf(minute), good, total);

    /// <summary>Evaluates at <paramref name="now"/>: the windows end with the minute before it (the last complete minute).</summary>
    public BurnRateEvaluation Evaluate(DateTimeOffset now)
    {
        Ring.AdvanceTo(MinuteRing.MinuteOf(now) - 1);
        var rates = new WindowBurnRate[_windows.Length];
        for (var i = 0; i < _windows.Length; i++)
        {
            rates[i] = new WindowBurnRate(_windows[i], BurnRate(i));
        }
        var firing = new List<BurnRateWindow>(0);
        for (var a = 0; a < _alerts.Length; a++)
        {
            if (Fires(a))
            {
                firing.Add(_alerts[a]);
            }
        }
        return new BurnRateEvaluation(rates, rates[_periodIndex].BurnRate, firing);
    }

    /// <summary>The allocation-free check for the every-minute loop: the most urgent firing severity, or null.</summary>
    public AlertSeverity? FiringSeverity(DateTimeOffset now)
    {
        Ring.AdvanceTo(MinuteRing.MinuteOf(now) - 1);
        AlertSeverity? result = null;
        for (var a = 0; a < _alerts.Length; a++)
        {
            if (Fires(a) && (result is null || _alerts[a].Severity < result))
            {
                result = _alerts[a].Severity;
            }
        }
        return result;
    }

    // Strictly greater, as the Workbook and Sloth's rules: burning at exactly the factor does not page.
    private bool Fires(int alert) =>
        BurnRate(_shortIndex[alert]) > _alerts[alert].Factor && BurnRate(_longIndex[alert]) > _alerts[alert].Factor;

    private double BurnRate(int window) => Ring.Sum(window).ErrorRatio / _allowedErrorRatio;
}
