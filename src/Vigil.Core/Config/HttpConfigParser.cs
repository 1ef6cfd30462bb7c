using YamlDotNet.RepresentationModel;

namespace Vigil.Core.Config;

/// <summary>
/// Parses Alertmanager's <c>http_config</c> (an integration's, or <c>global.http_config</c>, the default of every
/// HTTP integration) into how Vigil authenticates, and the <c>*_file</c> secrets of the config.
/// </summary>
/// <remarks>
/// Settings that decide whether the request is accepted at all (OAuth 2, client certificates and CA, proxies) are
/// errors, not ignored: ignored, the config loaded cleanly and every notification went out without them, each then
/// refused (401) and failed for good.
/// </remarks>
internal sealed class HttpConfigParser(YamlReader reader, string configFile)
{
    private static readonly string[] AuthForms = ["authorization", "basic_auth", "bearer_token", "bearer_token_file"];

    /// <summary>Transport settings whose defaults are what Vigil does anyway: accepted and unused.</summary>
    private static readonly string[] Harmless = ["follow_redirects", "enable_http2"];

    private static readonly string[] Unsupported =
        ["oauth2", "tls_config", "proxy_url", "no_proxy", "proxy_from_environment", "proxy_connect_header", "http_headers"];

    public HttpAuth? Parse(YamlNode node, string where)
    {
        if (reader.Mapping(node, where) is not { } map)
        {
            return null;
        }
        RejectUnsupported(map, where, Unsupported);
        var keys = reader.Keys(map, where, AuthForms, [.. Harmless, .. Unsupported]);
        var forms = AuthForms.Where(keys.ContainsKey).ToList();
        if (forms.Count > 1)
        {
            reader.Error(map, $"{where} may have one of {string.Join(", ", AuthForms)}, not {string.Join(" and ", forms)}");
        }
        if (keys.TryGetValue("bearer_token", out var token))
        {
            return reader.String(token, "bearer_token") is { } value ? new HeaderAuth("Bearer", SecretSource.Inline(value)) : null;
        }
        if (keys.TryGetValue("bearer_token_file", out var tokenFile))
        {
            return SecretFile(tokenFile, "bearer_token_file") is { } file ? new HeaderAuth("Bearer", file) : null;
        }
        if (keys.TryGetValue("authorization", out var authorization))
        {
            return Authorization(authorization);
        }
        return keys.TryGetValue("basic_auth", out var basic) ? Basic(basic) : null;
    }

    /// <summary>
    /// A <c>*_file</c> secret: its path (relative to the config file, as <c>routing_key_file</c>), checked readable now
    /// so a typo is an error with its line, and read again at each use.
    /// </summary>
    public SecretSource? SecretFile(YamlNode node, string key)
    {
        if (reader.String(node, key) is not { Length: > 0 } path)
        {
            reader.Error(node, $"\"{key}\" needs a file path");
            return null;
        }
        if (ConfigFiles.Resolve(reader, node, key, path, configFile) is not { } full)
        {
            return null;
        }
        var secret = SecretSource.FromFile(full);
        try
        {
            secret.Read();
        }
        catch (SecretFileException ex)
        {
            reader.Error(node, $"\"{key}\": {ex.Message}");
            return null;
        }
        return secret;
    }

    /// <summary>Reports each key of <paramref name="names"/> present in the map as unsupported.</summary>
    public void RejectUnsupported(YamlMappingNode map, string where, IReadOnlyCollection<string> names,
        string hint = "remove it (notifications would go out without it)")
    {
        foreach (var key in map.Children.Keys.OfType<YamlScalarNode>().Where(k => k.Value is { } v && names.Contains(v)))
        {
            reader.Error(key, $"\"{key.Value}\" in {where} is not supported by Vigil: {hint}");
        }
    }

    private HeaderAuth? Authorization(YamlNode node)
    {
        if (reader.Mapping(node, "authorization") is not { } map)
        {
            return null;
        }
        var keys = reader.Keys(map, "authorization", ["type", "credentials", "credentials_file"]);
        var scheme = keys.TryGetValue("type", out var type) ? reader.String(type, "type") ?? "Bearer" : "Bearer";
        if (scheme.Length == 0 || scheme.Any(char.IsWhiteSpace) || scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase))
        {
            // As in Prometheus: Basic has its own section, which builds the header from a username and a password.
            reader.Error(type!, $"authorization type \"{scheme}\" is not valid (one word, e.g. Bearer; use basic_auth for Basic)");
        }
        var credentials = Secret(map, keys, "credentials", "credentials_file");
        return credentials is null ? null : new HeaderAuth(scheme, credentials);
    }

    private BasicAuth? Basic(YamlNode node)
    {
        if (reader.Mapping(node, "basic_auth") is not { } map)
        {
            return null;
        }
        RejectUnsupported(map, "basic_auth", ["username_file"]);
        var keys = reader.Keys(map, "basic_auth", ["username", "password", "password_file"], ["username_file"]);
        if (!keys.TryGetValue("username", out var user) || reader.String(user, "username") is not { Length: > 0 } username)
        {
            reader.Error(map, "basic_auth needs \"username\"");
            return null;
        }
        return new BasicAuth(username, Secret(map, keys, "password", "password_file", required: false));
    }

    /// <summary>An inline secret or its <c>_file</c> form; exactly one of them unless not <paramref name="required"/>.</summary>
    private SecretSource? Secret(YamlMappingNode map, Dictionary<string, YamlNode> keys, string inline, string file, bool required = true)
    {
        var hasInline = keys.TryGetValue(inline, out var inlineNode);
        var hasFile = keys.TryGetValue(file, out var fileNode);
        if (hasInline && hasFile)
        {
            reader.Error(map, $"give \"{inline}\" or \"{file}\", not both");
            return null;
        }
        if (hasInline)
        {
            return reader.String(inlineNode!, inline) is { } value ? SecretSource.Inline(value) : null;
        }
        if (hasFile)
        {
            return SecretFile(fileNode!, file);
        }
        if (required)
        {
            reader.Error(map, $"needs \"{inline}\" or \"{file}\"");
        }
        return null;
    }
}
