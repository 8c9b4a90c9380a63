using Bulwark.AspNetCore.Health;
using Bulwark.AspNetCore.Problems;
using Bulwark.Observability.Telemetry;
using Microsoft.Extensions.Configuration.Memory;
using Shop.Identity;
using Shop.Infrastructure.Admin;
using Shop.Infrastructure.Auth;
using Shop.Infrastructure.Messaging;
using Shop.Infrastructure.Modules;

namespace Shop.Notifications.Host;

/// <summary>
/// Composes the Notifications module alone: its own data (<c>Shop:Data</c>, by default the folder
/// <see cref="DefaultDataPath"/>, never the shop's), the shop's bus on the broker it shares with the shop, Identity's
/// contract over HTTP (<c>Shop:Identity:Remote</c>), the shop's caller rules (the same signing key and operator keys),
/// health and telemetry. The module's code is the one the shop runs in process; only the composition differs.
/// </summary>
public static class NotificationsServiceApp
{
    /// <summary>The service name in logs and traces.</summary>
    public const string Name = "notifications-service";

    /// <summary>The service's data folder unless <c>Shop:Data:Path</c> says otherwise.</summary>
    public const string DefaultDataPath = "data-notifications";

    // The shop's Development secrets (appsettings.Development.json there), so the two run side by side on a laptop with
    // no settings; anything given on the command line or in the environment wins, and outside Development they are refused.
    private static readonly Dictionary<string, string?> DevelopmentDefaults = new(StringComparer.Ordinal)
    {
        ["Shop:Admin:ApiKeys:0"] = "demo-admin-key-change-me",
        ["Shop:Auth:SigningKey"] = "demo-signing-key-change-me-0123456789abcdef",
        ["Shop:Identity:Remote:ApiKey"] = "demo-admin-key-change-me",
    };

    /// <summary>Builds the service from command-line arguments (<c>--urls</c>, <c>--Shop:...</c>).</summary>
    /// <exception cref="InvalidOperationException">
    /// The transport is the embedded one (it lives in one shop's data folder, so this process would never see the shop's
    /// events), or a shipped demo secret is configured outside Development.
    /// </exception>
    public static WebApplication Build(string[] args)
    {
        var builder = ModuleServiceBuilder.Create(args, Name, "http://127.0.0.1:5120");

        // No appsettings files: a test project that references this host and the shop's would get one set over the
        // other. What they would say is here: RabbitMQ by default, and in Development the shop's demo secrets.
        var transportKey = $"{ShopMessagingOptions.SectionName}:{nameof(ShopMessagingOptions.Transport)}";
        builder.Configuration[transportKey] ??= nameof(ShopTransport.RabbitMq);
        if (builder.Environment.IsDevelopment())
        {
            builder.Configuration.Sources.Insert(0, new MemoryConfigurationSource { InitialData = DevelopmentDefaults });
        }

        if (!Enum.TryParse<ShopTransport>(builder.Configuration[transportKey], ignoreCase: true, out var transport) || transport != ShopTransport.RabbitMq)
        {
            throw new InvalidOperationException(
                $"The notifications service consumes the shop's events from a broker both share: set {transportKey}=RabbitMq (and "
                + $"{ShopMessagingOptions.SectionName}:RabbitMq:ConnectionUri) here and in the shop; the embedded transport is a file in one shop's data folder.");
        }

        builder.UseOwnDataFolder(DefaultDataPath);
        builder.AddBulwarkObservability(o => o.ServiceName = Name);
        builder.Services.AddShopAuth();
        builder.Services.AddShopMessaging(builder.Configuration);
        builder.Services
            .AddShopModule<RemoteIdentityModule>(builder.Configuration)
            .AddShopModule<NotificationsModule>(builder.Configuration);
        if (!builder.Environment.IsDevelopment())
        {
            DemoSecrets.ThrowIfConfigured(builder.Configuration, builder.Environment.EnvironmentName);
        }

        var app = builder.Build();
        app.UseBulwarkProblemDetails();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapBulwarkHealth();
        app.MapShopModules();
        return app;
    }
}
