using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Vigil.Core.Store;
using Vigil.Server.Api;
using Vigil.Server.Api.Alertmanager;
using Vigil.Server.Api.Loki;
using Vigil.Server.Api.Native;
using Vigil.Server.Api.PagerDuty;
using Vigil.Server.Api.OnCall;
using Vigil.Server.Auth;
using Vigil.Server.Demo;
using Vigil.Server.Hosting;
using Vigil.Server.Logs;
using Vigil.Server.Metrics;
using Vigil.Server.Notifications;
using Vigil.Server.Pipeline;
using Vigil.Server.Slo;
using Vigil.Server.Ui;
using Vigil.Storage;

namespace Vigil.Server;

/// <summary>The composition root: builds the web application from the serve options.</summary>
public static class VigilServer
{
    /// <summary>Runs the server until <paramref name="ct"/> is cancelled or the process is asked to stop.</summary>
    public static async Task<int> RunAsync(ServeOptions options, CancellationToken ct = default)
    {
        await using var app = await BuildAsync(options, ct: ct);
        await app.RunAsync(ct);
        return Environment.ExitCode;
    }

    /// <summary>
    /// Builds (but does not start) the server; storage is migrated and state loaded before it returns. With
    /// <see cref="ServeOptions.TakeServerLease"/> it first waits for the database's server lease (a standby waits here,
    /// not listening, until the active server stops).
    /// </summary>
    public static async Task<WebApplication> BuildAsync(ServeOptions options, TimeProvider? time = null, CancellationToken ct = default)
    {
        // Whatever can be checked cheaply and without changing anything is checked before the lease. A standby otherwise
        // found its broken config only on taking over — after the active server had been stopped for the upgrade ("start
        // the new one, stop the old one"), so nothing was left running.
        var urls = ListenUrls.Parse(options.Urls);
        var settings = new ServerSettings
        {
            Demo = options.Demo,
            OpenAccess = options.Demo && urls.All(IsLoopback),
            DataDirectory = Path.GetFullPath(options.DataDirectory),
            ConfigFile = ResolveConfigFile(options),
        };
        ConfigHolder.Check(settings);
        Directory.CreateDirectory(settings.DataDirectory);
        // Before the migrations: a newer version started as a standby changes the schema only once the older server
        // has stopped, so an upgrade is "start the new one, stop the old one".
        var hangup = options.TakeServerLease ? StartupHangup.Ignore() : null;
        IServerLease? lease = null;
        try
        {
            lease = options.TakeServerLease ? await AcquireLeaseAsync(options.Database, settings.DataDirectory, ct) : null;
            return await BuildAsync(options, settings, urls, time, lease, hangup, ct);
        }
        catch
        {
            hangup?.Dispose();
            if (lease is not null)
            {
                await lease.DisposeAsync();
            }
            throw;
        }
    }

    private static async Task<WebApplication> BuildAsync(
        ServeOptions options, ServerSettings settings, string[] urls, TimeProvider? time, IServerLease? lease, StartupHangup? hangup,
        CancellationToken ct)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(urls);
        builder.WebHost.ConfigureKestrel(k =>
        {
            // Our own reader enforces settings.MaxBodyBytes with a clear message; Kestrel's limit is the backstop.
            k.Limits.MaxRequestBodySize = settings.MaxBodyBytes * 2;
            k.AddServerHeader = false;
        });
        builder.Logging.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss "; });
        // ASP.NET logs four Information lines per request; at ingest rates that is most of the log and real CPU. It is
        // kept off whatever the configuration says: those lines hold the request's URL, and the event stream's token
        // travels in it (?access_token=, EventSource cannot send headers) — no secrets in logs.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Services.AddProblemDetails();
        builder.Services.AddSingleton(settings);
        builder.Services.AddSingleton(time ?? TimeProvider.System);

        if (hangup is not null)
        {
            builder.Services.AddSingleton(hangup);
        }
        if (lease is not null)
        {
            builder.Services.AddSingleton(_ => lease);
            // First: started first, stopped last, so the lease is released after everything else has saved.
            builder.Services.AddHostedService<ServerLeaseWatch>();
        }
        var store = StoreFactory.Open(options.Database, settings.DataDirectory);
        await store.MigrateAsync(ct);
        builder.Services.AddSingleton(store);
        builder.Services.AddSingleton<ChangeFeed>();
        builder.Services.AddSingleton<StreamSlots>();
        builder.Services.AddSingleton<ConfigHolder>();
        builder.Services.AddSingleton<AlertPipeline>();
        builder.Services.AddSingleton<TokenAuthenticator>();
        builder.Services.AddSingleton<AlertValidation>();
        builder.Services.AddSingleton<LogIngest>();
        builder.Services.AddSingleton<MetricIngest>();
        builder.Services.AddSingleton<MetricSourcePoller>();
        builder.Services.AddSingleton<SloTracker>();
        builder.Services.AddSingleton<OutboxSignal>();
        builder.Services.AddSingleton<IssuedIntegrationKeys>();
        if (options.Demo)
        {
            // The demo's receivers and people are at http://demo-inbox.invalid/NAME, answered in-process (decision 013);
            // every other URL goes to the network as always.
            builder.Services.AddSingleton<DemoInbox>();
            builder.Services.AddSingleton(sp => new NotificationSender(sp.GetRequiredService<TimeProvider>(),
                new DemoInboxHandler(sp.GetRequiredService<DemoInbox>()) { InnerHandler = NotificationSender.NetworkHandler() }));
        }
        else
        {
            builder.Services.AddSingleton<NotificationSender>();
        }
        builder.Services.AddSingleton<OutboxWorker>();
        builder.Services.AddSingleton<OnCall.ScheduleReader>();
        builder.Services.AddHostedService<PipelineHost>();
        builder.Services.AddHostedService<LogsHost>();
        builder.Services.AddHostedService<Retention>();
        builder.Services.AddHostedService<IdleMemoryTrimmer>();
        // After the pipeline: restore first; the poller is registered last so it stops before the final save.
        builder.Services.AddHostedService<MetricsHost>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<MetricSourcePoller>());
        builder.Services.AddHostedService<SloHost>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<OutboxWorker>());
        if (options.Demo)
        {
            builder.Services.AddHostedService<DemoEnvironment>();
            builder.Services.AddHostedService<DemoLogs>();
            builder.Services.AddHostedService<DemoMetrics>();
            if (settings.ConfigFile is null)
            {
                // Only with the built-in demo config, which defines the demo SLOs: a config file of one's own may have
                // no such SLOs, or real ones of the same name whose budgets fake counts must not touch.
                builder.Services.AddHostedService<DemoSlis>();
            }
        }

        var app = builder.Build();
        // Loaded again now rather than kept from the check: a standby may have waited for days, and takes over with the
        // file as it is now (an invalid one stops the start with its file:line:column errors, before listening).
        _ = app.Services.GetRequiredService<ConfigHolder>();
        app.UseExceptionHandler(errors => errors.Run(WriteUnhandledProblem));
        app.UseStatusCodePages(WriteStatusProblem);
        app.UseMiddleware<AuthenticationMiddleware>();

        app.MapAlertmanagerAlerts();
        app.MapAlertmanagerSilences();
        app.MapAlertmanagerStatus();
        app.MapNativeEvents();
        app.MapLogs();
        app.MapLokiPush();
        app.MapMetrics();
        app.MapSlos();
        app.MapOnCall();
        app.MapTokens();
        app.MapIncidents();
        app.MapEscalation();
        app.MapNotifications();
        app.MapPagerDuty();
        app.MapIntegrations();
        app.MapDemoInbox();
        app.MapStream();
        app.MapUi();

        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Vigil");
        if (settings.OpenAccess)
        {
            logger.LogWarning("DEMO MODE: the API is OPEN — every request without a token from this machine acts as an admin (others need a token). Never expose this.");
        }
        else if (options.Demo)
        {
            logger.LogWarning("--demo with a non-loopback address: authentication stays ON; create a token with 'vigil tokens bootstrap'.");
        }
        return app;
    }

    /// <summary>The config file <c>vigil serve</c> loads for these options (absolute), or null for the built-in defaults:
    /// <see cref="ServeOptions.ConfigFile"/>, else <c>vigil.yml</c> in the data directory when it exists.</summary>
    public static string? ResolveConfigFile(ServeOptions options)
    {
        if (options.ConfigFile is not null)
        {
            return Path.GetFullPath(options.ConfigFile);
        }
        var inDataDir = Path.Combine(options.DataDirectory, "vigil.yml");
        return File.Exists(inDataDir) ? Path.GetFullPath(inDataDir) : null;
    }

    private static bool IsLoopback(string url)
    {
        if (!Uri.TryCreate(url.Replace("*", "0.0.0.0", StringComparison.Ordinal).Replace("+", "0.0.0.0", StringComparison.Ordinal), UriKind.Absolute, out var uri))
        {
            return false;
        }
        return uri.IsLoopback || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));
    }

    /// <summary>A status answered without a body — no route for the path, or a method the route does not take — gets a
    /// problem document that says so.</summary>
    private static Task WriteStatusProblem(StatusCodeContext status)
    {
        var context = status.HttpContext;
        var (request, response) = (context.Request, context.Response);
        var detail = response.StatusCode switch
        {
            // Binding a query or route value to its type failed (limit=abc): the framework answers 400 with no body. The
            // query string is not echoed (it may hold an access token).
            StatusCodes.Status400BadRequest => $"A query or path parameter of {request.Method} {request.Path} is not a value of its type (e.g. a whole number); docs/api.md lists each route's parameters.",
            StatusCodes.Status404NotFound => $"Nothing at {request.Method} {request.Path}: docs/api.md lists the routes (ids in a path are numbers where it says so).",
            StatusCodes.Status405MethodNotAllowed => $"{request.Method} is not allowed on {request.Path}"
                + (response.Headers.Allow.Count > 0 ? $"; it takes {string.Join(", ", response.Headers.Allow.ToString())}." : "."),
            _ => null,
        };
        return Results.Problem(statusCode: response.StatusCode, detail: detail).ExecuteAsync(context);
    }

    /// <summary>Last line of defence: an unexpected failure answers a problem document, never a stack trace.</summary>
    /// <summary>
    /// The answer to an exception no endpoint handled. A storage failure (the database unreachable, the disk full) is
    /// a 503 to retry, not a 500: an endpoint that commits without its own handler (a freeze exemption, a token, an
    /// override) otherwise answered "Vigil failed" for what is an outage; its transaction was rolled back.
    /// </summary>
    public static (int Status, string Detail) UnhandledProblem(Exception? error) => error switch
    {
        BadHttpRequestException { InnerException: JsonException json } bad => (bad.StatusCode, JsonMismatch.Describe(json)),
        BadHttpRequestException bad => (bad.StatusCode, bad.Message),
        OperationCanceledException => (StatusCodes.Status499ClientClosedRequest, "The request was cancelled."),
        System.Data.Common.DbException or IOException or TimeoutException =>
            (StatusCodes.Status503ServiceUnavailable, "Vigil's storage is unavailable; the change was not saved. Retry later."),
        _ => (StatusCodes.Status500InternalServerError, "Vigil failed to handle this request; the error is in the server log."),
    };

    private static async Task<IServerLease> AcquireLeaseAsync(string? database, string dataDirectory, CancellationToken ct)
    {
        using var loggers = LoggerFactory.Create(b => b.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss "; }));
        var logger = loggers.CreateLogger("Vigil.Server.Lease");
        return await StoreFactory.AcquireServerLeaseAsync(database, dataDirectory,
            why => logger.LogWarning("Standby: {Why}", why), LeaseRetry, ct);
    }

    /// <summary>How often a standby tries to take the lease.</summary>
    internal static readonly TimeSpan LeaseRetry = TimeSpan.FromSeconds(2);

    private static async Task WriteUnhandledProblem(HttpContext context)
    {
        var (status, detail) = UnhandledProblem(context.Features.Get<IExceptionHandlerFeature>()?.Error);
        context.Response.StatusCode = status;
        await Results.Problem(statusCode: status, detail: detail).ExecuteAsync(context);
    }
}
