using System.Globalization;

namespace Vigil.Server.Hosting;

/// <summary>
/// The <c>--urls</c> list, checked as Kestrel will read it. Kestrel reports a malformed address only when it binds —
/// after the lease, the migrations and the state load — and a standby would find out only when taking over.
/// </summary>
public static class ListenUrls
{
    /// <exception cref="ServeOptionsException">An address Kestrel would refuse; the message names it.</exception>
    public static string[] Parse(string urls)
    {
        var list = urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (list.Length == 0)
        {
            throw new ServeOptionsException("--urls names no address (e.g. http://127.0.0.1:8080)");
        }
        foreach (var url in list)
        {
            if (Problem(url) is { } problem)
            {
                throw new ServeOptionsException($"--urls: '{url}' {problem} (e.g. http://127.0.0.1:8080, http://*:8080 or http://[::1]:8080)");
            }
        }
        return list;
    }

    private static string? Problem(string url)
    {
        BindingAddress address;
        try
        {
            // Kestrel's own parser, so what passes here is what Kestrel accepts.
            address = BindingAddress.Parse(url);
        }
        catch (FormatException)
        {
            return "is not a listen URL";
        }
        if (!string.Equals(address.Scheme, "http", StringComparison.OrdinalIgnoreCase) && !string.Equals(address.Scheme, "https", StringComparison.OrdinalIgnoreCase))
        {
            return "has a scheme other than http:// or https://";
        }
        if (!address.IsUnixPipe && !address.IsNamedPipe && address.Port is < 0 or > 65535)
        {
            return "has a port outside 0-65535: " + address.Port.ToString(CultureInfo.InvariantCulture);
        }
        // Kestrel refuses a path base in a listen address (it belongs to the app, not the socket).
        return address.PathBase.Length > 0 ? "has a path; a listen URL is scheme://host:port" : null;
    }
}
