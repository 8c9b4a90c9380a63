using Bulwark.DataProducts;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Shop.Infrastructure.Data;
using Shop.Infrastructure.EventSourcing;

namespace Shop.Infrastructure.DataProducts;

/// <summary>
/// The shop's data products (Codex 33, docs/data-products.md): each module that owns one adds it here from its own
/// registration; they are built from the shop's one event log and published under the shop's data folder.
/// </summary>
public static class ShopDataProducts
{
    /// <summary>The data subject of a customer in the key store and in data products (<c>customer:{id}</c>).</summary>
    public static string CustomerSubject(Guid customerId) => $"customer:{customerId:D}";

    /// <summary>
    /// Adds data products on the shop's event log, with a relative <c>Bulwark:DataProducts:RootPath</c> placed under
    /// <c>Shop:Data:Path</c>. Safe to call from every owning module.
    /// </summary>
    public static IDataProductsBuilder AddShopDataProducts(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        // The event store, serializer and forgotten-subjects ledger the builder reads (adds no event types).
        services.AddShopEventSourcing(_ => { });
        if (!services.Any(d => d.ServiceType == typeof(Placed)))
        {
            services.AddSingleton<Placed>();
            services.AddOptions<DataProductOptions>().PostConfigure<IOptions<ShopDataOptions>>((o, data) =>
            {
                if (!Path.IsPathRooted(o.RootPath))
                {
                    o.RootPath = Path.Combine(data.Value.Path, o.RootPath);
                }
            });
        }

        return services.AddBulwarkDataProducts();
    }

    // Marks that the root path is placed under the data folder once, however many modules add a product.
    private sealed class Placed;
}
