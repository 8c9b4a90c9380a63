using Bulwark.Messaging;
using Bulwark.Messaging.Serialization;
using Bulwark.Messaging.Subscriptions;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Shop.Infrastructure.Data;
using Shop.Infrastructure.Modules;
using Shop.Returns.Api;
using Shop.Returns.Contracts;
using Shop.Returns.Processing;

namespace Shop.Returns;

/// <summary>The Returns module: accepts return requests with photos and processes them from the <c>returns</c> queue.</summary>
public sealed class ReturnsModule : IShopModule
{
    /// <summary>The queue the processor consumes (and the inbox consumer name), also the module's name.</summary>
    public const string QueueName = "returns";

    private ReturnsModule()
    {
    }

    /// <inheritdoc />
    public static string Name => QueueName;

    /// <inheritdoc />
    public static IReadOnlyList<ModuleMigration> Migrations { get; } =
    [
        new("create requests", t => $"""
            CREATE TABLE returns_requests (
                id                 TEXT PRIMARY KEY,
                order_id           TEXT NOT NULL,
                reason             TEXT NOT NULL,
                status             TEXT NOT NULL,
                error              TEXT NULL,
                photos             TEXT NOT NULL,
                message_body_bytes {t.BigNumber} NULL,
                claim_checked      {t.BigNumber} NULL,
                created_at         TEXT NOT NULL,
                processed_at       TEXT NULL
            );
            """),
    ];

    /// <summary>Registers the options (<c>Shop:Returns</c>) and the processor. Needs <c>AddShopMessaging</c>.</summary>
    public static void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ReturnsOptions>().BindConfiguration(ReturnsOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddBulwarkMessaging()
            .AddMessageType<ReturnRequested>(ReturnRequested.MessageType)
            .AddSubscription(QueueName, s => s.Handle<ReturnRequested, ReturnRequestedHandler>());
    }

    /// <summary>Maps <c>POST /api/returns</c> and <c>GET /api/returns/{id}</c>.</summary>
    public static void MapEndpoints(IEndpointRouteBuilder endpoints) => ReturnsEndpoints.Map(endpoints);
}
