namespace Vigil.Core.Config;

/// <summary>One problem in a configuration file, with the position it was found at (1-based line and column).</summary>
public sealed record ConfigError(string File, int Line, int Column, string Message)
{
    public override string ToString() => $"{File}:{Line}:{Column}: {Message}";
}

/// <summary>
/// Thrown when a configuration file is invalid. Lists every problem found, not just the first, so an operator can fix
/// the whole file in one go.
/// </summary>
public sealed class ConfigException : Exception
{
    public ConfigException(IReadOnlyList<ConfigError> errors)
        : base(BuildMessage(errors)) => Errors = errors;

    public IReadOnlyList<ConfigError> Errors { get; }

    private static string BuildMessage(IReadOnlyList<ConfigError> errors) =>
        errors.Count == 1
            ? $"invalid configuration: {errors[0]}"
            : $"invalid configuration ({errors.Count} errors):" + string.Concat(errors.Select(e => Environment.NewLine + "  " + e));
}
