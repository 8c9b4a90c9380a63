using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Shop.Orders;

/// <summary>The Orders module's one entry point: its services and its endpoints.</summary>
public static class OrdersModule
{
    /// <summary>The module's name, also the prefix of its tables.</summary>
    public const string Name = "orders";

    /// <summary>Registers the orders module.</summary>
    public static IServiceCollection AddOrdersModule(this IServiceCollection services) => services;

    /// <summary>Maps <c>/api/orders</c>.</summary>
    public static IEndpointRouteBuilder MapOrdersEndpoints(this IEndpointRouteBuilder endpoints) => endpoints;
}
