"""Flask model server for the classifier (the Deployment `classifier-api`).

Loads the SavedModel from MODEL_DIR (downloaded by an init container from the pinned
MODEL_URI) and serves predictions on :8080.
"""

import io
import os

import numpy as np
import tensorflow as tf
from flask import Flask, jsonify, request
from PIL import Image

MODEL_DIR = os.environ.get("MODEL_DIR", "/models/classifier")
MODEL_VERSION = os.environ["MODEL_VERSION"]  # pinned in the manifest, reported in responses

app = Flask(__name__)
model = tf.saved_model.load(MODEL_DIR)
infer = model.signatures["serving_default"]


@app.get("/healthz")
def healthz():
    return {"status": "ok", "model_version": MODEL_VERSION}


@app.post("/predict")
def predict():
    if "image" not in request.files:
        return jsonify(error="multipart field 'image' is required"), 400
    image = Image.open(io.BytesIO(request.files["image"].read())).convert("RGB").resize((224, 224))
    batch = tf.constant(np.asarray(image, dtype=np.float32)[None, ...])
    scores = next(iter(infer(batch).values())).numpy()[0]
    top = int(np.argmax(scores))
    return jsonify(class_id=top, score=float(scores[top]), model_version=MODEL_VERSION)


if __name__ == "__main__":
    app.run(host="0.0.0.0", port=8080)
