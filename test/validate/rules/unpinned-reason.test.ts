import { describe, expect, it } from 'vitest';
import {
  hasLatestToken,
  isVersionLike,
  redactUserInfo,
  unpinnedReason,
} from '../../../src/validate/rules/unpinned-reason.ts';

describe('unpinnedReason', () => {
  it.each([
    's3://models/classifier/v3',
    's3://models/classifier/v3/',
    's3://models/classifier/1.2.0/model.onnx',
    's3://models/classifier/model-v2.onnx',
    'gs://bucket/resnet/0001',
    'gs://bucket/resnet/2024-05-01',
    'gs://bucket/resnet/20240501',
    'gs://bucket/object.pt#1360887759327000',
    's3://bucket/model.pt?versionId=3HL4kqtJlcpXroDTDmJ',
    'pvc://model-store/classifier/v1',
    'https://models.example.com/classifier/v4/model.tar.gz',
    'https://storage.example.com/x/model.bin?revision=1a2b3c4',
    's3://models/classifier/sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
    's3://models/classifier/9f86d08',
    'hf://meta-llama/Llama-3.1-8B-Instruct@0e9e39f249a16976918f6564b8830bc894c89659',
    'hf://org/model?revision=v1.0',
    'oci://registry.example.com/models/clf:1.4',
    'oci://registry.example.com/models/clf@sha256:abc',
  ])('accepts %s as pinned', (uri) => {
    expect(unpinnedReason(uri)).toBeUndefined();
  });

  it.each([
    ['s3://models/classifier', 'has no version in its path'],
    ['s3://models/classifier/latest', 'points at latest'],
    ['s3://models/classifier/latest/model.onnx', 'points at latest'],
    ['s3://models/classifier/model-latest.pt', 'points at latest'],
    ['gs://bucket/llama-3-8b', 'has no version in its path'],
    ['https://host-v2.example.com/models/clf', 'has no version in its path'],
    ['s3://bucket/model.pt?version=main', 'pins the moving revision main'],
    ['hf://org/model', 'names no revision, so it follows the repository main branch (add @<commit sha>)'],
    ['hf://org/model@main', 'pins the moving revision main'],
    ['hf://org/model?revision=latest', 'pins the moving revision latest'],
    ['oci://registry.example.com/models/clf', 'has no tag, so it resolves to latest'],
    ['oci://registry.example.com/models/clf:latest', 'uses the moving tag latest'],
  ])('reports %s: %s', (uri, reason) => {
    expect(unpinnedReason(uri)).toBe(reason);
  });
});

describe('isVersionLike', () => {
  it.each([
    'v1',
    'V12',
    'v1.2',
    '1',
    '0001',
    '1.2.0',
    '2024-05-01',
    'resnet-v3.onnx',
    'build_1.2.3',
    'a1b2c3d',
  ])('sees a version in %s', (segment) => {
    expect(isVersionLike(segment)).toBe(true);
  });

  it.each(['resnet50', 'llama-3-8b', 'model.onnx', 'classifier', 'deadbeef', 'facade', 'bert_base'])(
    'sees no version in %s',
    (segment) => {
      expect(isVersionLike(segment)).toBe(false);
    },
  );
});

describe('hasLatestToken', () => {
  it.each([
    ['latest', true],
    ['s3://b/latest/x', true],
    ['img:latest', true],
    ['LATEST', true],
    ['latest-but-not', true],
    ['latestmodel', false],
    ['v1', false],
  ])('%s → %s', (value, expected) => {
    expect(hasLatestToken(value)).toBe(expected);
  });
});

describe('redactUserInfo', () => {
  it('masks credentials in a URI and leaves other URIs alone', () => {
    expect(redactUserInfo('https://user:tok3n@host/models/x')).toBe('https://***@host/models/x');
    expect(redactUserInfo('s3://bucket/models/x')).toBe('s3://bucket/models/x');
  });
});
