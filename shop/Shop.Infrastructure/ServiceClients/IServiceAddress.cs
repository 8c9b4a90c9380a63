namespace Shop.Infrastructure.ServiceClients;

/// <summary>
/// Where another service answers and how long one call to it may take: the settings a client for it is built from
/// (<see cref="ServiceClientServiceCollectionExtensions.AddServiceClient{TOptions}"/>).
/// </summary>
public interface IServiceAddress
{
    /// <summary>The service's base address.</summary>
    Uri Url { get; }

    /// <summary>How long one call may take.</summary>
    TimeSpan Timeout { get; }
}
