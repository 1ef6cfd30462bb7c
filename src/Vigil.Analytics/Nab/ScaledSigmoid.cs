namespace Vigil.Analytics.Nab;

/// <summary>
/// NAB's scaled sigmoid (nab/sweeper.py): <c>2·sigmoid(−5x) − 1</c> of the relative position <c>x</c> of a detection.
/// −1 is the left edge of a window (0.98661), 0 its right edge (0), positive values lie past the window
/// (false positives, down to −1 from three window widths on).
/// </summary>
public static class ScaledSigmoid
{
    /// <summary>The score of a detection on the first point of a window; NAB divides true positives by it.</summary>
    public static readonly double MaxTruePositive = Of(-1.0);

    public static double Of(double relativePosition) =>
        relativePosition >= 3.0 ? -1.0 : (2.0 / (1.0 + Math.Exp(5.0 * relativePosition))) - 1.0;
}
