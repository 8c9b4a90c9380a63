using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Bulwark.DataProducts;

/// <summary>Registers data products (docs/data-products.md).</summary>
public static class DataProductServiceCollectionExtensions
{
    /// <summary>
    /// Adds the builder, the scheduled rebuild, the catalogue with its freshness metric and the reader, once however
    /// often it is called (each owning module calls it to add its product). Options from <c>Bulwark:DataProducts</c>.
    /// Needs an event store, an <c>EventSerializer</c> and <c>IForgottenSubjects</c> (<c>AddBulwarkEventSourcing</c>).
    /// </summary>
    /// <param name="services">The services.</param>
    /// <returns>A builder to add products with.</returns>
    public static IDataProductsBuilder AddBulwarkDataProducts(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(TimeProvider.System);
        if (!services.Any(d => d.ServiceType == typeof(DataProductBuilder)))
        {
            services.AddOptions<DataProductOptions>().BindConfiguration(DataProductOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
            services.AddSingleton<IValidateOptions<DataProductOptions>, DataProductOptionsValidator>();
            services.AddMetrics();
            services.AddSingleton<DataProductStore>();
            services.AddSingleton<DataProductBuilder>();
            services.AddSingleton<DataProductCatalog>();
            services.AddSingleton<DataProductReader>();
            // The catalogue owns the age and SLO gauges: created with the scheduler, they export from start-up on,
            // not from the first time someone lists the products.
            services.AddSingleton<IHostedService>(sp =>
            {
                sp.GetRequiredService<DataProductCatalog>();
                return ActivatorUtilities.CreateInstance<DataProductScheduler>(sp);
            });
        }

        return new Builder(services);
    }

    private sealed class Builder(IServiceCollection services) : IDataProductsBuilder
    {
        public IServiceCollection Services { get; } = services;
    }
}

/// <summary>Adds data products.</summary>
public interface IDataProductsBuilder
{
    /// <summary>The services.</summary>
    IServiceCollection Services { get; }
}

/// <summary>Adds a module's data product.</summary>
public static class DataProductsBuilderExtensions
{
    /// <summary>Adds <paramref name="product"/> (an instance, so its contract can be read without building a provider).</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="product">The product.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="InvalidOperationException">A product with the same id was added already.</exception>
    public static IDataProductsBuilder WithProduct(this IDataProductsBuilder builder, DataProduct product)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(product);
        if (builder.Services.Any(d => d.ServiceType == typeof(DataProduct) && d.ImplementationInstance is DataProduct p && p.Contract.Id == product.Contract.Id))
        {
            throw new InvalidOperationException($"Data product '{product.Contract.Id}' is added twice; product ids are unique.");
        }

        builder.Services.AddSingleton(product);
        return builder;
    }
}
