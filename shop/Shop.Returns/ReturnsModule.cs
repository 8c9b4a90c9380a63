using Bulwark.Messaging;
using Bulwark.Messaging.Serialization;
using Bulwark.Messaging.Subscriptions;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Shop.Infrastructure.Sqlite;
using Shop.Returns.Api;
using Shop.Returns.Contracts;
using Shop.Returns.Data;
using Shop.Returns.Processing;

namespace Shop.Returns;

/// <summary>The Returns module: accepts return requests with photos and processes them from the <c>returns</c> queue.</summary>
public static class ReturnsModule
{
    /// <summary>The module's name, also the prefix of its tables.</summary>
    public const string Name = "returns";

    /// <summary>The queue the processor consumes (and the inbox consumer name).</summary>
    public const string QueueName = "returns";

    /// <summary>Registers the module, its options (<c>Shop:Returns</c>) and its processor. Needs <c>AddShopMessaging</c>.</summary>
    public static IServiceCollection AddReturnsModule(this IServiceCollection services)
    {
        services.AddModuleDatabase(Name, ReturnsMigrations.All, db => new ReturnsDatabase(db));
        services.AddOptions<ReturnsOptions>().BindConfiguration(ReturnsOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddBulwarkMessaging()
            .AddMessageType<ReturnRequested>(ReturnRequested.MessageType)
            .AddSubscription(QueueName, s => s.Handle<ReturnRequested, ReturnRequestedHandler>());
        return services;
    }

    /// <summary>Maps <c>POST /api/returns</c> and <c>GET /api/returns/{id}</c>.</summary>
    public static IEndpointRouteBuilder MapReturnsEndpoints(this IEndpointRouteBuilder endpoints)
    {
        ReturnsEndpoints.Map(endpoints);
        return endpoints;
    }
}
