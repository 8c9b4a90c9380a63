using Bulwark.AspNetCore.Correlation;
using Bulwark.AspNetCore.DeadLetters;
using Bulwark.AspNetCore.Deadlines;
using Bulwark.AspNetCore.Health;
using Bulwark.AspNetCore.Idempotency;
using Bulwark.AspNetCore.Limits;
using Bulwark.AspNetCore.Projections;
using Bulwark.AspNetCore.RateLimiting;
using Bulwark.AspNetCore.Resilience;
using Bulwark.AspNetCore.Problems;
using Bulwark.AspNetCore.Releases;
using Bulwark.Caching.CacheAside;
using Bulwark.ControlRoom.Hosting;
using Bulwark.Observability.Telemetry;
using Bulwark.Outbox;
using Bulwark.Outbox.Messaging;
using Bulwark.Resilience.DependencyInjection;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.HttpLogging;
using Shop.Analytics;
using Shop.Catalog;
using Shop.Infrastructure.Admin;
using Shop.Infrastructure.Auth;
using Shop.Infrastructure.DataProducts;
using Shop.Infrastructure.HttpCaching;
using Microsoft.AspNetCore.HttpOverrides;
using Shop.Infrastructure.Messaging;
using Shop.Infrastructure.OpenApi;
using Shop.Notifications;
using Shop.Returns;
using Shop.Rewards;
using Shop.Host.Externals;
using Shop.Host.ScaleOut;
using Shop.Infrastructure.Data;
using Shop.Infrastructure.Modules;
using Shop.Identity;
using Shop.Inventory;
using Shop.Orders;
using Shop.Payments;
using Shop.Reporting;
using Shop.Reviews;
using Shop.Storefront;
using Shop.Wallet;

namespace Shop.Host;

/// <summary>Composes the shop: every module registers itself, the host only adds the cross-cutting edges.</summary>
public static partial class ShopApp
{
    private static readonly string[] TourPaths = ["/api/products", "/api/products/1", "/health/ready"];

    /// <summary>Builds the shop from command-line arguments and configuration (embedded defaults when none).</summary>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            ApplicationName = typeof(ShopApp).Assembly.GetName().Name,
            // The host's own folder, not the caller's: appsettings.json is found wherever the command runs from.
            ContentRootPath = AppContext.BaseDirectory,
        });

        // The shop's own meters (Shop.Payments: unreconciled charges) ride along with Bulwark.*, ASP.NET Core and HttpClient.
        // System.Runtime: the process's working set and GC heap, which the Payload drill reads to see memory stay bounded.
        builder.AddBulwarkObservability(o =>
        {
            o.Meters.Add("Shop.*");
            o.Meters.Add("System.Runtime");
            // The PostgreSQL pool (idle/used/max connections, waits, timeouts): the saturation signal of issue 13.
            o.Meters.Add("Npgsql");
        });
        builder.Services.AddBulwarkProblemDetails();
        // A body that does not bind is a 400 problem in every environment (Development would otherwise throw it as a 500).
        builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = false);
        builder.Services.AddBulwarkHealth();
        // Immutable releases (Codex 25, docs/releases.md): the release id on /health/release and as a metric, and the
        // folder re-hashed against release.json so a file or setting changed under a running instance is reported.
        builder.Services.AddBulwarkRelease();
        // Kestrel limits chosen on purpose (Bulwark:Limits): connections in all and per client address, keep-alive,
        // headers, a 1 MiB body unless an endpoint (returns) says otherwise. See docs/limits.md.
        builder.Services.AddBulwarkConnectionLimits();
        builder.Services.AddHttpClient();

        // Group 1 of the Codex: named pipelines (breakers, bulkheads, retry budgets) from Bulwark:Resilience,
        // a deadline on every request, rate limits per API key, and 503/504 problems for refusals.
        builder.Services.AddBulwarkResilience(builder.Configuration);
        builder.Services.AddBulwarkDeadlines(builder.Configuration);
        builder.Services.AddBulwarkRateLimiting(builder.Configuration);
        builder.Services.AddExceptionHandler<ResilienceExceptionHandler>();
        // A database out of reach is a 503 the client can retry, never a 500 nor an acknowledgement: money stops while
        // browsing goes on from the caches (docs/drills.md, Split-Brain).
        builder.Services.AddExceptionHandler<DatabaseUnavailableExceptionHandler>();
        // One line per request with method, path, status and duration: the line an incident starts from. Off by default
        // (appsettings.json: Microsoft.AspNetCore.HttpLogging at Warning): formatted and written for every request it
        // cost more CPU than a cached product read (issue 10, docs/benchmarks/http.md). Turn it on with
        // --Logging:LogLevel:Microsoft.AspNetCore.HttpLogging=Information.
        builder.Services.AddHttpLogging(o =>
        {
            o.LoggingFields = HttpLoggingFields.RequestMethod | HttpLoggingFields.RequestPath
                | HttpLoggingFields.ResponseStatusCode | HttpLoggingFields.Duration;
            o.CombineLogs = true;
        });
        // One shop database (Shop:Data:Provider, SQLite by default or PostgreSQL) holds every module's tables, the outbox,
        // idempotency keys, the inbox, saga state and the event log, so a business write and its event commit together
        // (ADR 0002, docs/shop.md). The data folder holds the SQLite file, the embedded queue and claim checks.
        var dataPath = builder.Configuration[$"{ShopDataOptions.SectionName}:{nameof(ShopDataOptions.Path)}"] ?? new ShopDataOptions().Path;
        Directory.CreateDirectory(dataPath);
        builder.Services.AddShopDatabase();
        // The bus (embedded SQLite or RabbitMQ, claim check, DLQ) before the outbox: the relay then publishes through it,
        // and subscriptions are bound before the relay's first publish (docs/shop.md, "Messaging in the shop").
        builder.Services.AddShopMessaging(builder.Configuration);
        builder.Services.AddBulwarkOutbox().UseSqlDatabase(ShopDatabase.Resolve).WithMessageBus();
        builder.Services.AddBulwarkIdempotency().UseSqlDatabase(ShopDatabase.Resolve);
        // Writes are admitted through a bulkhead sized from the pool: past it they are shed (503 + Retry-After) instead of
        // queueing for a connection until their deadline (issue 13; Bulwark:LoadShedding:Enabled=false turns it off).
        builder.Services.AddShopLoadShedding(builder.Configuration);

        builder.Services.AddShopAdmin();
        // Cache-aside (Codex 18): in memory on the embedded defaults; Shop:Cache:Redis adds Redis as the shared second
        // level and the backplane between shop instances. Shop:RateLimiting:Redis counts the limits for the whole fleet.
        var caching = builder.Services.AddBulwarkCaching(builder.Configuration);
        builder.Services.AddShopCacheRedis(builder.Configuration, caching);
        builder.Services.AddShopRedisRateLimits(builder.Configuration);

        // Every module the same way (IShopModule): its tables migrate in the host's starting phase, before any hosted
        // service starts, so this order only decides the order of endpoints in the API description.
        builder.Services
            .AddShopModule<CatalogModule>(builder.Configuration)
            .AddShopModule<IdentityModule>(builder.Configuration)
            .AddShopModule<InventoryModule>(builder.Configuration)
            // In process, or its own process over HTTP (Shop:Reviews:Mode; docs/module-extraction.md).
            .AddReviewsModule(builder.Configuration)
            .AddShopModule<PaymentsModule>(builder.Configuration)
            .AddShopModule<StorefrontModule>(builder.Configuration)
            .AddShopModule<ReportingModule>(builder.Configuration)
            .AddShopModule<OrdersModule>(builder.Configuration)
            .AddShopModule<WalletModule>(builder.Configuration)
            // In process, or its own process on the shared broker (Shop:Notifications:Mode; docs/module-extraction.md).
            .AddNotificationsModule(builder.Configuration)
            .AddShopModule<RewardsModule>(builder.Configuration)
            .AddShopModule<AnalyticsModule>(builder.Configuration)
            .AddShopModule<ReturnsModule>(builder.Configuration);

        builder.Services.AddOptions<ExternalsOptions>().BindConfiguration(ExternalsOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        if (builder.Configuration.GetValue<bool>($"{ExternalsOptions.SectionName}:{nameof(ExternalsOptions.Launch)}"))
        {
            builder.Services.AddHostedService<ExternalsLauncher>();
        }

        // Who may call (docs/security.md): customers by token, operators by admin key; forwarded headers from known
        // proxies only; the management port for /metrics and operator endpoints outside Development.
        builder.Services.AddShopAuth();
        // The API described from the endpoints' metadata (docs/api.md); written to shop/Shop.Host/openapi/ at build time.
        builder.Services.AddShopOpenApi();
        // The Control Room (docs/control-room.md): one operator page at /control; saga types and the shop's meters come
        // from Bulwark:ControlRoom in appsettings.json.
        builder.Services.AddBulwarkControlRoom();
        var knownProxies = builder.Configuration.GetSection("Shop:ForwardedHeaders:KnownProxies").Get<string[]>() ?? [];
        builder.Services.Configure<ForwardedHeadersOptions>(o => ConfigureForwardedHeaders(o, knownProxies));
        // A known proxy carries many clients: the per-client connection cap does not apply to it (the rate limiter
        // limits the clients behind it by their forwarded addresses).
        builder.Services.PostConfigure<ConnectionLimitsOptions>(o =>
        {
            foreach (var proxy in knownProxies.Where(p => !o.ExemptAddresses.Contains(p)))
            {
                o.ExemptAddresses.Add(proxy);
            }
        });
        var management = builder.Configuration.GetSection(ShopManagementOptions.SectionName).Get<ShopManagementOptions>() ?? new ShopManagementOptions();
        builder.Services.AddOptions<ShopManagementOptions>().BindConfiguration(ShopManagementOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        var managementPort = management.IsEnabled(builder.Environment) ? management.Port : (int?)null;
        if (managementPort is not null)
        {
            var publicUrls = builder.Configuration[WebHostDefaults.ServerUrlsKey] ?? "http://127.0.0.1:5100";
            builder.WebHost.UseUrls($"{publicUrls};{management.Url}");
        }

        configure?.Invoke(builder);
        if (!builder.Environment.IsDevelopment())
        {
            DemoSecrets.ThrowIfConfigured(builder.Configuration, builder.Environment.EnvironmentName);
        }

        var app = builder.Build();
        if (knownProxies.Length > 0)
        {
            app.UseForwardedHeaders();
        }

        // The correlation id (X-Correlation-Id) first, so every log line of the request carries it (docs/observability.md).
        app.UseBulwarkCorrelation();
        app.UseHttpLogging();
        app.UseBulwarkProblemDetails();
        // Every /api answer is no-store unless its endpoint opts in to caching (docs/api.md, "HTTP caching").
        app.UseShopHttpCaching();
        app.UseBulwarkDeadlines();
        app.UseRouting();
        if (managementPort is { } port)
        {
            app.UseShopManagementPort(port, "/health");
        }

        app.UseAuthentication();
        // Probes and the tour page are never rate limited: a throttled health check would look like an outage. After
        // authentication, so a customer is limited per customer and an anonymous caller per client address.
        app.UseWhen(context => context.Request.Path.StartsWithSegments("/api"), api => api.UseBulwarkRateLimiting());
        app.UseAuthorization();
        // Before idempotency: a shed write takes no key (and no connection); after authorization: a refused caller takes no slot.
        app.UseShopLoadShedding();
        // After authorization: a refused caller never gets an idempotency record.
        app.UseBulwarkIdempotency();
        app.MapBulwarkHealth();
        app.MapBulwarkRelease();
        // Prometheus scrapes /metrics (Bulwark:Observability:Prometheus); outside /api, so never rate limited.
        app.MapBulwarkMetrics(metrics => metrics.AsManagementEndpoint());
        app.MapShopModules();
        // Each module's data products (Codex 33, docs/data-products.md): catalogue, versions and builds, operator-only.
        app.MapShopDataProducts();
        app.MapBulwarkDeadLetters("/admin/dlq").RequireShopAdmin()
            .ProducesProblemType(StatusCodes.Status404NotFound, DeadLetterEndpointRouteBuilderExtensions.NotFoundType);
        app.MapBulwarkProjections("/admin/projections").RequireShopAdmin();
        app.MapShopOpenApi();
        // Operators only, on the management port outside Development (on the main port in Development).
        app.MapBulwarkControlRoom("/control", ShopAuth.OperatorPolicy).AsManagementEndpoint();
        app.MapGet("/", () => TypedResults.Ok(new
        {
            service = "Bulwark reference shop",
            tryThese = TourPaths,
        })).ExcludeFromDescription();

        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Shop.Host");
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            // Build-time OpenAPI generation starts the host on a server without addresses: nothing to announce then.
            var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses;
            if (addresses is not null && logger.IsEnabled(LogLevel.Information))
            {
                var urls = string.Join(", ", addresses);
                LogReady(logger, urls);
            }
        });
        return app;
    }

    // Only the configured proxies may say who the client is; without any, X-Forwarded-For is ignored (it is the
    // client's own claim). The framework's loopback defaults are cleared so the rule is exactly the configuration.
    private static void ConfigureForwardedHeaders(ForwardedHeadersOptions options, string[] knownProxies)
    {
        options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
        options.KnownProxies.Clear();
        options.KnownIPNetworks.Clear();
        foreach (var proxy in knownProxies)
        {
            if (!System.Net.IPAddress.TryParse(proxy, out var address))
            {
                throw new InvalidOperationException($"Shop:ForwardedHeaders:KnownProxies holds '{proxy}', which is not an IP address.");
            }

            options.KnownProxies.Add(address);
        }
    }

    // Reviews is one module with two placements; which one this process adds is composition, not the module's code.
    private static IServiceCollection AddReviewsModule(this IServiceCollection services, IConfiguration configuration) =>
        RemoteReviewsModule.IsChosen(configuration)
            ? services.AddShopModule<RemoteReviewsModule>(configuration)
            : services.AddShopModule<ReviewsModule>(configuration);

    // Notifications too; in its own process it consumes the shop's events from the broker, so that needs one both share.
    private static IServiceCollection AddNotificationsModule(this IServiceCollection services, IConfiguration configuration)
    {
        if (!RemoteNotificationsModule.IsChosen(configuration))
        {
            return services.AddShopModule<NotificationsModule>(configuration);
        }

        var transportKey = $"{ShopMessagingOptions.SectionName}:{nameof(ShopMessagingOptions.Transport)}";
        if (configuration.GetValue<ShopTransport?>(transportKey) != ShopTransport.RabbitMq)
        {
            throw new InvalidOperationException(
                $"Shop:Notifications:Mode=Remote needs a broker the shop and the notifications service share: set {transportKey}=RabbitMq. "
                + "On the embedded transport the service would never see the shop's events.");
        }

        return services.AddShopModule<RemoteNotificationsModule>(configuration);
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Shop ready at {Urls}; try GET /api/products/1")]
    private static partial void LogReady(ILogger logger, string urls);
}
