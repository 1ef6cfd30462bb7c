using Vigil.Core.Slo.Budget;

namespace Vigil.Core.Slo.Alerting;

/// <summary>Burn rate over one window; NaN when the window has no events.</summary>
public readonly record struct WindowBurnRate(TimeSpan Window, double BurnRate);

/// <summary>One evaluation: burn rates per window (shortest first, the period last), the period's, and the alerts whose both windows burn too fast.</summary>
public sealed record BurnRateEvaluation(
    IReadOnlyList<WindowBurnRate> BurnRates,
    double PeriodBurnRate,
    IReadOnlyList<BurnRateWindow> Firing)
{
    /// <summary>The most urgent firing severity (page before ticket), or null.</summary>
    public AlertSeverity? Severity => Firing.Count == 0 ? null : Firing.Min(f => f.Severity);

    /// <summary>Share of the rolling period's budget left (1 − period burn rate), as Sloth's <c>period_error_budget_remaining</c>.</summary>
    public double BudgetRemaining => 1 - PeriodBurnRate;

    /// <summary>The burn rate over <paramref name="window"/> (NaN when it is not one of the evaluated windows or has no events).</summary>
    public double RateOver(TimeSpan window)
    {
        foreach (var rate in BurnRates)
        {
            if (rate.Window == window)
            {
                return rate.BurnRate;
            }
        }
        return double.NaN;
    }
}

/// <summary>
/// Multi-window, multi-burn-rate evaluation of one SLO objective from incremental per-minute counts. Feed it one
/// aggregate per minute (<see cref="Record"/>), or share an <see cref="SliHistory"/> between the objectives of an SLO;
/// <see cref="Evaluate"/> reads the running window sums, so its cost does not depend on the window lengths.
/// </summary>
public sealed class BurnRateEvaluator
{
    private readonly double _allowedErrorRatio;
    private readonly BurnRateWindow[] _alerts;
    private readonly int[] _shortIndex;
    private readonly int[] _longIndex;
    private readonly TimeSpan _period;

    public BurnRateEvaluator(double objective, TimeSpan period)
        : this(objective, period, BurnRateWindows.For(period))
    {
    }

    public BurnRateEvaluator(double objective, TimeSpan period, IReadOnlyList<BurnRateWindow> alerts)
        : this(objective, new SliHistory((int)period.TotalMinutes, [.. WindowMinutes(alerts)]), alerts)
    {
    }

    /// <param name="history">The SLI's counts; it must keep a running window for every short and long window of <paramref name="alerts"/>.</param>
    /// <param name="period">The SLO period whose burn rate is reported last; default: all the history keeps.</param>
    public BurnRateEvaluator(double objective, SliHistory history, IReadOnlyList<BurnRateWindow> alerts, TimeSpan? period = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(objective, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(objective, 1);
        _allowedErrorRatio = 1 - objective;
        History = history;
        _period = period ?? TimeSpan.FromMinutes(history.PeriodMinutes);
        _alerts = [.. alerts];
        _shortIndex = [.. _alerts.Select(a => history.WindowIndex((int)a.Short.TotalMinutes))];
        _longIndex = [.. _alerts.Select(a => history.WindowIndex((int)a.Long.TotalMinutes))];
    }

    /// <summary>The short and long windows of <paramref name="alerts"/>, in minutes: what an <see cref="SliHistory"/> must keep for them.</summary>
    public static IEnumerable<int> WindowMinutes(IEnumerable<BurnRateWindow> alerts) =>
        alerts.SelectMany(a => new[] { (int)a.Short.TotalMinutes, (int)a.Long.TotalMinutes });

    public SliHistory History { get; }

    /// <summary>The minute tier of the history.</summary>
    public MinuteRing Ring => History.Minutes;

    public IReadOnlyList<BurnRateWindow> Alerts => _alerts;

    /// <summary>1 − objective: the error ratio that burns the budget at rate 1.</summary>
    public double AllowedErrorRatio => _allowedErrorRatio;

    /// <summary>Sets the good and total events of the minute that contains <paramref name="minute"/>.</summary>
    public bool Record(DateTimeOffset minute, double good, double total) => History.Set(MinuteRing.MinuteOf(minute), good, total);

    /// <summary>
    /// Evaluates at <paramref name="now"/>: the windows end with the minute before it (the last complete minute).
    /// Burn rates cover every window the history keeps, then the period (from the bucket tier).
    /// </summary>
    public BurnRateEvaluation Evaluate(DateTimeOffset now)
    {
        History.AdvanceTo(MinuteRing.MinuteOf(now) - 1);
        var windows = Ring.Windows;
        var rates = new List<WindowBurnRate>(windows.Count + 1);
        for (var i = 0; i < windows.Count; i++)
        {
            if (windows[i] != History.PeriodMinutes || windows[i] == (int)_period.TotalMinutes)
            {
                rates.Add(new WindowBurnRate(TimeSpan.FromMinutes(windows[i]), BurnRate(i)));
            }
        }
        var period = History.SumLast((int)_period.TotalMinutes).ErrorRatio / _allowedErrorRatio;
        if (rates.Count == 0 || rates[^1].Window != _period)
        {
            rates.Add(new WindowBurnRate(_period, period));
        }
        var firing = new List<BurnRateWindow>(0);
        for (var a = 0; a < _alerts.Length; a++)
        {
            if (Fires(a))
            {
                firing.Add(_alerts[a]);
            }
        }
        return new BurnRateEvaluation(rates, period, firing);
    }

    /// <summary>The allocation-free check for the every-minute loop: the most urgent firing severity, or null.</summary>
    public AlertSeverity? FiringSeverity(DateTimeOffset now)
    {
        History.AdvanceTo(MinuteRing.MinuteOf(now) - 1);
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
