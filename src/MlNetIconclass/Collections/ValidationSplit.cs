namespace MlNetIconclass.Collections;

/// <summary>
/// The validation records carved from train: those whose SHA-1 (as in <see cref="ProtocolSplit"/>) is 2 modulo 10,
/// an eighth of the protocol's train split, the same whatever the seed.
/// </summary>
public static class ValidationSplit
{
    public static bool IsValidation(string id) => ProtocolSplit.Remainder(id) == 2;

    public static (IReadOnlyList<ArtworkRecord> Train, IReadOnlyList<ArtworkRecord> Validation) Split(
        IEnumerable<ArtworkRecord> records
    )
    {
        var train = new List<ArtworkRecord>();
        var validation = new List<ArtworkRecord>();
        foreach (var record in records)
            (IsValidation(record.Id) ? validation : train).Add(record);
        return (train, validation);
    }
}
