namespace Vigil.Core.Slo.Alerting;

public enum AlertSeverity
{
    Page,
    Ticket,
}

/// <summary>
/// One multi-window burn-rate alert: it fires when the burn rate exceeds <see cref="Factor"/> over both the
/// <see cref="Long"/> window (enough budget is really gone) and the <see cref="Short"/> one (it is still burning, so
/// the alert resets soon after recovery). <see cref="BudgetPercent"/> is the share of the period's budget spent
/// over the long window at exactly that rate.
/// </summary>
public sealed record BurnRateWindow(AlertSeverity Severity, TimeSpan Short, TimeSpan Long, double BudgetPercent, double Factor);

/// <summary>
/// The SRE Workbook's recommended multi-window, multi-burn-rate alerts ("Alerting on SLOs", table 5-8) for a 30-day
/// period, scaled to other periods.
/// </summary>
public static class BurnRateWindows
{
    public static readonly TimeSpan WorkbookPeriod = TimeSpan.FromDays(30);

    // 2% of the budget in 1h (14.4x), 5% in 6h (6x) page; 10% in 1d (3x), 10% in 3d (1x) open a ticket.
    // Short windows are 1/12 of the long ones, as the Workbook suggests.
    private static readonly BurnRateWindow[] Workbook =
    [
        new(AlertSeverity.Page, TimeSpan.FromMinutes(5), TimeSpan.FromHours(1), 2, 14.4),
        new(AlertSeverity.Page, TimeSpan.FromMinutes(30), TimeSpan.FromHours(6), 5, 6),
        new(AlertSeverity.Ticket, TimeSpan.FromHours(2), TimeSpan.FromDays(1), 10, 3),
        new(AlertSeverity.Ticket, TimeSpan.FromHours(6), TimeSpan.FromDays(3), 10, 1),
    ];

    /// <summary>
    /// For a period P the windows are scaled by P / 30d and rounded to whole minutes (at least 1), and each alert keeps
    /// its budget share: factor = share × P / long window. A 30-day period gives the Workbook table exactly; a 28-day
    /// one 56m/5m at 14.4x, 5h36m/28m at 6x and so on. (Sloth's 28d catalog instead keeps the 30-day windows and
    /// lowers the factors; both spend the same budget shares.)
    /// </summary>
    public static IReadOnlyList<BurnRateWindow> For(TimeSpan period)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(period, TimeSpan.Zero);
        var scale = period / WorkbookPeriod;
        return [.. Workbook.Select(w =>
        {
            var longWindow = Minutes(w.Long * scale);
            var shortWindow = Minutes(w.Short * scale);
            return w with { Short = shortWindow, Long = longWindow, Factor = w.BudgetPercent * (period / longWindow) / 100 };
        })];
    }

    private static TimeSpan Minutes(TimeSpan span) => TimeSpan.FromMinutes(Math.Max(1, Math.Round(span.TotalMinutes)));
}
