namespace Vigil.Analytics.Nab;

/// <summary>
/// Weights of one NAB application profile (<c>config/profiles.json</c>). NAB ignores the true-negative weight, so it
/// is not kept here.
/// </summary>
public readonly record struct CostMatrix(double TruePositiveWeight, double FalsePositiveWeight, double FalseNegativeWeight);
