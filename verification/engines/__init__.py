"""Face engines: detection, embedding and dense landmarks behind one small interface (base.FaceEngine)."""
