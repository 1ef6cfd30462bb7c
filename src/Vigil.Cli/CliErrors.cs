namespace Vigil.Cli;

/// <summary>Process exit codes of <c>vigil</c>.</summary>
public static class ExitCodes
{
    public const int Success = 0;

    /// <summary>The server answered with an error (4xx/5xx).</summary>
    public const int ServerRefused = 1;

    /// <summary><c>vigil serve</c>: the server failed to start (the listen address is taken, storage is unreachable) or
    /// stopped on an error.</summary>
    public const int ServeFailed = 1;

    /// <summary>The command line was wrong, or the configuration it names is invalid.</summary>
    public const int Usage = 2;

    /// <summary>The server could not be reached.</summary>
    public const int CannotConnect = 3;

    /// <summary><c>vigil freeze check</c>: the service is change-frozen (its changes must wait).</summary>
    public const int Frozen = 4;
}

/// <summary>An error that ends the command with a message on stderr and a specific exit code.</summary>
public class CliException(int exitCode, string message, Exception? inner = null) : Exception(message, inner)
{
    public int ExitCode { get; } = exitCode;
}

/// <summary>The command line is syntactically fine but its values are not (exit 2).</summary>
public sealed class UsageException(string message) : CliException(ExitCodes.Usage, message);

/// <summary>The server answered with a problem document or another error status (exit 1).</summary>
public sealed class ApiException(int status, string message) : CliException(ExitCodes.ServerRefused, message)
{
    public int Status { get; } = status;
}

/// <summary>No answer from the server: refused connection, DNS failure, timeout (exit 3).</summary>
public sealed class ConnectionException(string message, Exception? inner = null)
    : CliException(ExitCodes.CannotConnect, message, inner);
