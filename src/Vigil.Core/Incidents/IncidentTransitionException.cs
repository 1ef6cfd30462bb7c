namespace Vigil.Core.Incidents;

public enum TransitionFailure
{
    /// <summary>The incident is not in a state that allows the action (HTTP 409).</summary>
    Conflict,

    /// <summary>The request itself is wrong, e.g. an unknown priority or an empty note (HTTP 400).</summary>
    InvalidInput,
}

/// <summary>A manual action that cannot be applied, with a message fit to show the person who tried it.</summary>
public sealed class IncidentTransitionException(string message, TransitionFailure failure) : Exception(message)
{
    public TransitionFailure Failure { get; } = failure;
}
