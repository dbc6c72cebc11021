namespace SharpVL.Training;

/// <summary>What a training run optimises; it follows from the model class.</summary>
public enum TrainingTaskKind
{
    /// <summary>Video classification with cross-entropy over the dataset's labels (VideoMAE, TVLT).</summary>
    Classification,

    /// <summary>Masked-autoencoder pre-training: reconstruct tube-masked patches (VideoMAE).</summary>
    PreTraining,

    /// <summary>Contrastive (video, text) training with CLIP's symmetric loss (X-CLIP, AltCLIP).</summary>
    Contrastive,
}
