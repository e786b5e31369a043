using MlNetIconclass.Collections;

namespace MlNetIconclass.Features;

/// <summary>
/// Image features of records, by their image reference: computed a batch at a time through the
/// <see cref="ImageFeaturizer"/> and kept, so a record's features are computed once however often it is ranked.
/// Images that cannot be used are reported through <see cref="Problem"/> and the record goes on without one.
/// </summary>
public sealed class ArtworkImageFeatures(ImageFeaturizer featurizer, string? baseFolder, Action<string>? warn = null)
    : IDisposable
{
    private readonly Dictionary<string, float[]?> _features = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _problems = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    public ImageFeaturizer Featurizer => featurizer;

    /// <summary>Featurizes the images of these records that are not known yet, in one pipeline pass.</summary>
    public void Prepare(IEnumerable<ArtworkRecord> records)
    {
        var pending = records
            .Where(r => !string.IsNullOrWhiteSpace(r.Image))
            .DistinctBy(r => r.Image)
            .Where(r =>
            {
                lock (_lock)
                    return !_features.ContainsKey(r.Image!);
            })
            .ToArray();
        if (pending.Length == 0)
            return;
        WithImagesOf(
            pending,
            loaded =>
            {
                var features = featurizer.Featurize(loaded);
                lock (_lock)
                    for (int i = 0; i < loaded.Length; i++)
                    {
                        _features[loaded[i].Reference] = features[i];
                        if (loaded[i].Problem is { } problem)
                            Report(loaded[i].RecordId, loaded[i].Reference, problem);
                    }
                return 0;
            }
        );
    }

    /// <summary>
    /// What the vision model reads for each record's image (see <see cref="ImageFeaturizer.ModelInputs"/>), a few
    /// images decoded at a time; every record must have a usable image.
    /// </summary>
    public float[][] ModelInputs(IEnumerable<ArtworkRecord> records) =>
        records
            .Chunk(32)
            .SelectMany(chunk =>
                WithImagesOf(
                    chunk,
                    loaded =>
                        featurizer
                            .ModelInputs(loaded)
                            .Select(
                                (input, i) =>
                                    input
                                    ?? throw new InvalidDataException(
                                        $"record '{chunk[i].Id}', image: {loaded[i].Problem}"
                                    )
                            )
                            .ToArray()
                )
            )
            .ToArray();

    /// <summary>Decodes the records' images for <paramref name="use"/>, and frees them after.</summary>
    private T WithImagesOf<T>(ArtworkRecord[] records, Func<LoadedImage[], T> use)
    {
        var loaded = records.Select(record => ArtworkImages.Load(record.Id, record.Image!, baseFolder)).ToArray();
        try
        {
            return use(loaded);
        }
        finally
        {
            foreach (var image in loaded)
                image.Image?.Dispose();
        }
    }

    /// <summary>The record's image features; null when it has no usable image.</summary>
    public float[]? For(ArtworkRecord record)
    {
        if (string.IsNullOrWhiteSpace(record.Image))
            return null;
        lock (_lock)
            if (_features.TryGetValue(record.Image, out var known))
                return known;
        Prepare([record]);
        lock (_lock)
            return _features[record.Image];
    }

    /// <summary>Why the record's image was not used, if it was not.</summary>
    public string? Problem(ArtworkRecord record)
    {
        if (string.IsNullOrWhiteSpace(record.Image))
            return null;
        lock (_lock)
            return _problems.GetValueOrDefault(record.Image);
    }

    private void Report(string recordId, string reference, string problem)
    {
        string message = $"record '{recordId}', image: {problem}; scored without its image";
        _problems[reference] = message;
        warn?.Invoke(message);
    }

    /// <summary>Forgets what was computed (batch scoring keeps memory bounded this way).</summary>
    public void Clear()
    {
        lock (_lock)
        {
            _features.Clear();
            _problems.Clear();
        }
    }

    public void Dispose() => featurizer.Dispose();
}
