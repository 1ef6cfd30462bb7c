namespace Vigil.Core.Slo.Evaluation;

/// <summary>
/// Vigil's own SLO annotations (besides <c>vigil/missing-data</c>), checked by the OpenSLO parser so a typo is an
/// error with its position rather than silently ignored.
/// </summary>
public static class SloAnnotations
{
    /// <summary>
    /// <c>"true"</c> or <c>"false"</c>: whether the SRE Workbook's multi-window burn-rate alerts apply. The default is
    /// true for an SLO without alert policies and false for one with them (the policies replace the Workbook set).
    /// </summary>
    public const string WorkbookAlerts = "vigil/workbook-alerts";

    /// <summary><c>freeze</c> (default) or <c>none</c>: whether an exhausted budget change-freezes the SLO's service.</summary>
    public const string ErrorBudgetPolicy = "vigil/error-budget-policy";

    public static bool TryParseBool(string? text, out bool value)
    {
        (var ok, value) = text switch
        {
            "true" => (true, true),
            "false" => (true, false),
            _ => (false, false),
        };
        return ok;
    }

    public static bool TryParseBudgetPolicy(string? text, out bool freezes)
    {
        (var ok, freezes) = text switch
        {
            "freeze" => (true, true),
            "none" => (true, false),
            _ => (false, true),
        };
        return ok;
    }
}
